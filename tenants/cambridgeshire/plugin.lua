-- Cambridgeshire County Council: lead authority of the Home & Community Support DPS (running
-- since April 2017), used for personal care and community support for children and young
-- people. Peterborough City Council was named in the original contract notice and calls off it.
-- Source: seeds/peterborough-2021-calloff-cambridgeshire-dps.txt.

return {
  lots = function()
    return {
      {
        code = "personal-care",
        name = "Home & Community Support: Personal Care",
        description = "Personal care in the home for children and young people (CQC-regulated activity).",
        requirements = {
          regulator = "cqc",
          other = { "Registered with the Care Quality Commission for personal care" },
        },
      },
      {
        code = "community-support",
        name = "Home & Community Support: Community Support",
        description = "Support to access community and leisure opportunities.",
      },
    }
  end,

  -- Peterborough uses the DPS by virtue of the contract notice: no access fee is recorded.
  annual_fee = function(lot, agreement)
    return 0
  end,
}
