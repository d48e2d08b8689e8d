-- Peterborough City Council: calls off Cambridgeshire's Home & Community Support DPS for
-- children and young people's home care, adopting its terms and conditions.
-- Source: seeds/peterborough-2021-calloff-cambridgeshire-dps.txt (September 2021).

local plugin = {}

function plugin.lots()
  return {
    {
      code = "pcc-cyp-home-care",
      name = "Children & Young People's Home Care (Peterborough)",
      description = "Personal care at home for children and young people with disabilities in Peterborough.",
      maps_to = "personal-care",
      requirements = { regulator = "cqc" },
    },
    {
      code = "pcc-cyp-community-support",
      name = "Children & Young People's Community Support (Peterborough)",
      description = "Support for children and young people to access community and leisure opportunities.",
      maps_to = "community-support",
    },
  }
end

-- The Cabinet Member for Children's Services authorised up to 310,000 pounds through the DPS
-- from 1 April 2021 to 1 March 2023 (allowing 20% growth a year); the platform refuses an
-- award that would take committed spend past it.
function plugin.spend_authority()
  return {
    limit_pence = dps.pounds(310000),
    from = "2021-04-01",
    to = "2023-03-01",
    approved_by = "lead_member",
  }
end

-- Call-offs are approved under the Executive Director for People and Communities, the
-- responsible director for the report, within the spend authority above.
function plugin.approval_route(award)
  if math.type(award.value_pence) ~= "integer" or award.value_pence < 0 then
    error("award.value_pence must be a non-negative integer")
  end
  return { { authority = "executive_director" } }
end

-- Home care includes personal care, a CQC-regulated activity: providers must be registered.
function plugin.eligible(provider, lot)
  if lot.code == "pcc-cyp-home-care" and provider.cqc_registered ~= true then
    return false, "home care providers must be registered with the Care Quality Commission"
  end
  return true
end

return plugin
