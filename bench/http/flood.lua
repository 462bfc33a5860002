-- A flood of requests with made-up bearer tokens (never valid): what an attacker or a broken client sends.
local counter = 0
function request()
  counter = counter + 1
  local token = string.format("strata_flood%08x%08x", math.random(0, 0x7fffffff), counter)
  return wrk.format("GET", "/api/v1/revision", { ["Authorization"] = "Bearer " .. token })
end
