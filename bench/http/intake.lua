-- wrk script: durable intake, POST /api/v1/cases as a demo police officer. Every request opens a
-- new case for a different synthetic woman (names, birth date, phone and ID vary), with one
-- incident and one consent, like the integration tests' NewCase.
-- Environment: BENCH_COOKIE, BENCH_CSRF, BENCH_POLICE_UNIT, BENCH_HEALTH_UNIT. wrk's Lua is 5.1
-- (LuaJIT): no // operator.
local given = {"Fatima", "Khadija", "Aicha", "Meryem", "Salma", "Nadia", "Hanane", "Samira",
  "Zineb", "Imane", "Latifa", "Naima", "Hayat", "Souad", "Karima", "Loubna", "Hind", "Ilham",
  "Najat", "Rachida", "Siham", "Wafaa", "Yasmina", "Zahra", "Amina", "Asmae", "Btissam", "Ghizlane"}
local family = {"El Fictif", "Ben Exemple", "Ait Essai", "Ou Modele", "El Specimen", "Ben Test",
  "Ait Demo", "El Factice", "Ben Maquette", "Ait Brouillon", "El Prototype", "Ou Ebauche",
  "El Esquisse", "Ben Simulacre", "Ait Imite", "El Invente", "Ben Fable", "Ait Conte"}
local counter = 0
local tn = 0  -- this thread's number
local threads = {}

function setup(thread)
  thread:set("thread_no", #threads)
  table.insert(threads, thread)
end

local function body(n)
  local g = given[n % #given + 1]
  local f = family[math.floor(n / #given) % #family + 1]
  return string.format([[{"intake":{"unit_id":"%s","channel":"in_person"},
"survivor":{"names":["%s %s"],"birth_date":"%d-%02d","id_number":"ZZ%06d",
"phones":["06 %02d %02d %02d %02d"],"address":"Rue (fictive) %d, Fès","languages":["darija"],
"contact":{"safe_to_call":true,"safe_times":"mornings"}},
"incidents":[{"date":"2026-01-01","province_code":"03.01","place_type":"home","forms":["physical"],
"facts":{"physical_assault":true},"description":"Synthetic benchmark case",
"perpetrators":[{"relationship":"husband","cohabiting":true}]}],
"consents":[{"unit_id":"%s","purposes":["medical_care"]}]}]],
    os.getenv("BENCH_POLICE_UNIT"), g, f, 1960 + n % 45, n % 12 + 1, n % 1000000,
    n % 100, math.floor(n / 100) % 100, math.floor(n / 10000) % 100, tn % 100, n % 500 + 1,
    os.getenv("BENCH_HEALTH_UNIT"))
end

local headers = {}
function init(args)
  tn = thread_no or 0  -- set by setup() in this thread's Lua state
  headers["Cookie"] = os.getenv("BENCH_COOKIE")
  headers["X-CSRF-Token"] = os.getenv("BENCH_CSRF")
  headers["Content-Type"] = "application/json"
  headers["Accept"] = "application/json"
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/cases", headers, body(counter * 64 + tn))
end
