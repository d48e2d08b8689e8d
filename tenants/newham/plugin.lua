-- London Borough of Newham: lead authority of the children's placements DPS (residential
-- homes, fostering agencies, 16+ semi-independent accommodation). Waltham Forest joined
-- Lots 2 and 4 from 1 February 2024 under an access agreement.
-- Sources: seeds/waltham-forest-2024-join-newham-dps.txt, DOMAIN.md sections 3 and 4.

local FEE_PER_LOT = dps.pounds(3150) -- per lot per year: 6,300 pounds for Lots 2 and 4
local NOTICE_MONTHS = 6              -- "at least six months' notice" by either party

local LOTS = {
  {
    code = "lot2",
    name = "Children's Residential Care Homes",
    description = "Residential children's homes for looked after children.",
    requirements = { regulator = "ofsted", other = { "Registered with Ofsted as a children's home" } },
  },
  {
    code = "lot4",
    name = "Independent Fostering Agencies",
    description = "Independent fostering agencies providing foster placements.",
    requirements = { regulator = "ofsted", other = { "Registered with Ofsted as an independent fostering agency" } },
  },
  {
    code = "semi-independent-16plus",
    name = "16+ Semi-Independent Accommodation",
    description = "Accommodation and support for young people aged 16 and over.",
  },
}

local function is_newham_lot(code)
  for _, lot in ipairs(LOTS) do
    if lot.code == code then return true end
  end
  return false
end

return {
  lots = function()
    return LOTS
  end,

  -- The fee a partner pays Newham for each lot it joins, every year of the agreement.
  annual_fee = function(lot, agreement)
    if not is_newham_lot(lot.code) then
      error("Newham's DPS has no lot '" .. tostring(lot.code) .. "'")
    end
    return FEE_PER_LOT
  end,

  termination_notice = function(agreement)
    return NOTICE_MONTHS
  end,
}
