-- London Borough of Waltham Forest: partner in Newham's DPS for Lots 2 and 4 from
-- 1 February 2024 to 8 March 2026 (extendable to 8 March 2030).
-- Source: seeds/waltham-forest-2024-join-newham-dps.txt (Cabinet, 11 January 2024).

local plugin = {}

-- Local lot names as Waltham Forest's placements team uses them, mapped onto Newham's lots.
function plugin.lots()
  return {
    {
      code = "lbwf-residential",
      name = "Children's Residential Care Homes (Waltham Forest placements)",
      description = "Residential placements for Waltham Forest's looked after children, through Newham's Lot 2.",
      maps_to = "lot2",
      requirements = { regulator = "ofsted" },
    },
    {
      code = "lbwf-fostering",
      name = "Independent Fostering Agencies (Waltham Forest placements)",
      description = "Foster placements for Waltham Forest's looked after children, through Newham's Lot 4.",
      maps_to = "lot4",
      requirements = { regulator = "ofsted" },
    },
  }
end

-- The access agreement: either party may terminate on at least six months' notice.
function plugin.termination_notice(agreement)
  return 6
end

-- Cabinet delegated contracting under the Newham DPS to the Corporate Director Children's
-- Social Care (recommendation 2.1.2); awards, variations and extensions follow that delegation.
function plugin.approval_route(award)
  local kind = award.kind
  if kind ~= "award" and kind ~= "variation" and kind ~= "extension" then
    error("unknown award kind '" .. tostring(kind) .. "'")
  end
  return { { authority = "corporate_director" } }
end

-- Local rule (demo assumption, in the spirit of the report's "good quality pre-approved
-- providers"): no new placements with a provider Ofsted currently rates Inadequate.
function plugin.eligible(provider, lot)
  if provider.ofsted_rating == "inadequate" then
    return false, "Waltham Forest does not place with providers rated Inadequate by Ofsted"
  end
  return true
end

return plugin
