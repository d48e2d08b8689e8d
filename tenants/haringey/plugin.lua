-- London Borough of Haringey: lead authority of the 2025 Home Care, Family Support and Family
-- Therapeutic Support DPS for children aged 0-18.
-- Source: seeds/haringey-cabinet-2025-home-care-dps.txt (Cabinet, 21 January 2025).

local KEY_DECISION = dps.pounds(500000)   -- CSO 9.07.1(d): Cabinet approves contracts from here
local DELEGATED_LIMIT = dps.pounds(800000) -- recommendation 3.4: delegated up to this per award

-- London Living Wage in pence, keyed by the financial year an uplift on 1 April starts.
-- 13.15 to 13.85 pounds per the report (6.13); 14.80 pounds is the Living Wage Foundation's
-- London rate announced in October 2024, for uplifts from 1 April 2025.
local LONDON_LIVING_WAGE = {
  ["2023/24"] = 1315,
  ["2024/25"] = 1385,
  ["2025/26"] = 1480,
}

local KINDS = { award = true, variation = true, extension = true }

local plugin = {}

function plugin.lots()
  local llw = "london_living_wage"
  return {
    {
      code = "lot1",
      name = "Home Care Services",
      description = "Regulated home care for children with medium to high needs: personal care, medication.",
      requirements = { regulator = "cqc", minimum_rating = "good", living_wage = llw },
    },
    {
      code = "lot2",
      name = "Family Support Services",
      description = "Non-regulated support for children with low needs, at home or in the community.",
      requirements = { living_wage = llw },
    },
    {
      code = "lot3",
      name = "Specialist Family Therapeutic Support Services",
      description = "Therapeutic support for parents and carers, e.g. a 12-month programme for families of 10-14 year olds.",
      requirements = { living_wage = llw },
    },
  }
end

-- Awards, variations and extensions of call-offs and block arrangements under the DPS:
-- below 500,000 pounds the Director of Children's Services; up to 800,000 pounds the Director
-- in consultation with the Lead Member for Children, Schools and Families; above, Cabinet.
function plugin.approval_route(award)
  local value = award.value_pence
  if math.type(value) ~= "integer" or value < 0 then
    error("award.value_pence must be a non-negative integer number of pence")
  end
  if not KINDS[award.kind] then
    error("award.kind must be award, variation or extension, not " .. tostring(award.kind))
  end
  if value < KEY_DECISION then
    return { { authority = "director_childrens_services" } }
  elseif value <= DELEGATED_LIMIT then
    return { { authority = "director_childrens_services", in_consultation_with = { "lead_member" } } }
  end
  return { { authority = "cabinet" } }
end

-- Ethical Care Charter (signed 2017): London Living Wage for every worker, no zero-hours
-- contracts; Lot 1 also needs a CQC rating of Good or Outstanding.
function plugin.eligible(provider, lot)
  -- provider is the organisation's profile (GET /v1/providers/{id}/profile).
  if provider.living_wage_commitment ~= "london_living_wage" then
    return false, "providers must pay at least the London Living Wage (Ethical Care Charter)"
  end
  if lot.code == "lot1" and not dps.rating_at_least(provider.cqc_rating, "good") then
    return false, "Lot 1 needs a CQC rating of Good or Outstanding"
  end
  return true
end

-- On the 1 April anniversary, hourly rates rise in line with the London Living Wage
-- (rounded to the nearest penny); other dates and unknown years leave the rate unchanged.
function plugin.rate_uplift(contract, date)
  local rate = contract.hourly_rate_pence
  if math.type(rate) ~= "integer" or rate <= 0 then
    error("contract.hourly_rate_pence must be a positive integer")
  end
  local parts = dps.date_parts(date)
  if parts.month ~= 4 or parts.day ~= 1 or date <= contract.start_date then
    return rate
  end
  local year = dps.financial_year(date)
  local previous = dps.financial_year(dps.add_months(date, -12))
  local new_wage, old_wage = LONDON_LIVING_WAGE[year], LONDON_LIVING_WAGE[previous]
  if not new_wage or not old_wage then
    return rate
  end
  return (rate * new_wage + old_wage // 2) // old_wage
end

-- Block arrangements: guaranteed minimum hours for up to 5% off the hourly rate (6.14).
function plugin.max_block_discount_percent()
  return 5
end

return plugin
