/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Hand-built legal frameworks for tests that must not depend on the data
 * files (the same facts as data/frameworks.xml, from LEGAL.md).
 */

#include "involve-definitions.h"

static InvolveLimb *
fixture_limb_new (const char *section,
                  const char *id,
                  gboolean    needs_impact)
{
  InvolveLimb *limb = g_new0 (InvolveLimb, 1);

  limb->id = g_strdup (id);
  limb->citation = g_strdup_printf ("section %s(2)(%s)", section, id);
  limb->summary = g_strdup (id);
  limb->needs_impact = needs_impact;
  return limb;
}

static void
fixture_limb_free (InvolveLimb *limb)
{
  g_free (limb->id);
  g_free (limb->citation);
  g_free (limb->summary);
  g_free (limb);
}

static InvolveFramework *
fixture_framework_new (const char *id)
{
  InvolveFramework *framework = g_new0 (InvolveFramework, 1);
  const char *type, *section, *exclusion;

  if (g_str_equal (id, "icb-14z45"))
    type = "icb", section = "14Z45", exclusion = "section 14Z45(6)";
  else if (g_str_equal (id, "ccg-14z2"))
    type = "ccg", section = "14Z2", exclusion = "section 14Z2(7)";
  else if (g_str_equal (id, "nhse-13q"))
    type = "nhse", section = "13Q", exclusion = "section 13Q(4)";
  else
    g_assert_not_reached ();

  framework->id = g_strdup (id);
  framework->organisation_type = g_strdup (type);
  framework->organisation_label = g_strdup (type);
  framework->section = g_strdup (section);
  framework->act = g_strdup ("National Health Service Act 2006");
  framework->who_is_involved = g_strdup ("individuals to whom the services are being or may be provided");
  framework->guidance_title = g_strdup ("Test guidance");
  framework->guidance_edition = g_strdup ("2017");
  framework->special_administrator_citation = g_strdup (exclusion);
  framework->limbs = g_ptr_array_new_with_free_func ((GDestroyNotify) fixture_limb_free);
  g_ptr_array_add (framework->limbs, fixture_limb_new (section, "a", FALSE));
  g_ptr_array_add (framework->limbs, fixture_limb_new (section, "b", TRUE));
  g_ptr_array_add (framework->limbs, fixture_limb_new (section, "c", TRUE));
  return framework;
}

static void
fixture_framework_free (InvolveFramework *framework)
{
  g_free (framework->id);
  g_free (framework->organisation_type);
  g_free (framework->organisation_label);
  g_free (framework->section);
  g_free (framework->act);
  g_free (framework->who_is_involved);
  g_free (framework->guidance_title);
  g_free (framework->guidance_edition);
  g_free (framework->special_administrator_citation);
  g_ptr_array_unref (framework->limbs);
  g_free (framework);
}

