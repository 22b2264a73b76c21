-- wrk script for the nginx reference: the same request shape as get.lua (cookie and all).
wrk.method = "GET"
wrk.path = "/case.json"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
wrk.headers["Accept"] = "application/json"
