SELECT :a || '?' || ':x' /* ? :y */ || :a, -- ? :z
 ?, ?7 FROM t WHERE 'it''s ?' <> :b