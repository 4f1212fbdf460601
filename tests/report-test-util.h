/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "common-test-util.h"
#include "involve-store.h"
#include "involve-store-involvement.h"
#include "involve-store-report.h"

/*
 * A fixed demo year, 2025-26, whose totals the tests check exactly:
 *
 *   ref  organisation    decided      outcome (limbs)      notes
 *   R1   Northshire ICB  2025-05-12   applies (c)          2 activities, 2 themes, 2 responses
 *                                                          (1 option not taken), 1 evaluation
 *   R2   Northshire ICB  2025-11-03   applies (a, b)       urgent, notifiable reconfiguration;
 *                                                          activities: 1 kept, 1 corrected (10 -> 15),
 *                                                          1 withdrawn, 1 starting 2026-04-10
 *   R3   Southvale ICB   2026-03-31   does not apply       beneficial: yes
 *   R4   Northshire ICB  2025-04-01   does not apply       beneficial: no
 *   R5   Northshire ICB  2026-04-01   applies (c)          next year
 *   R6   Northshire ICB  2025-06-01,  applies (c)          amended and signed off again:
 *                        2025-09-01                        counts once; no activities
 *   R7   Northshire ICB  -            draft                never signed off
 *   R8   Southvale ICB   2024-12-01   applies (c)          last year
 *
 * The references of R1..R8 are stored in @refs (uuids in @uuids).
 */
typedef struct
{
  char *refs[8];
  char *uuids[8];
} DemoYear;

void report_test_build_demo_year (InvolveStore *store,
                                  DemoYear     *demo);
void report_test_demo_year_clear (DemoYear     *demo);
/* Signs off @uuid's version awaiting sign-off as a reviewer on @date. */
void report_test_sign_off        (InvolveStore *store,
                                  const char   *uuid,
                                  const char   *date);

/*
 * The fixture of the report and involvement-log tests: a register in a
 * temporary folder, the officer acting with their key unlocked, holding
 * the demo year.  g_test_add (path, DemoYearFixture, NULL,
 * report_test_fixture_setup, func, report_test_fixture_teardown).
 */
typedef struct
{
  TestDir      *td;
  InvolveStore *store;
  DemoYear      demo;
} DemoYearFixture;

void report_test_fixture_setup    (DemoYearFixture *f,
                                   gconstpointer    data);
void report_test_fixture_teardown (DemoYearFixture *f,
                                   gconstpointer    data);
