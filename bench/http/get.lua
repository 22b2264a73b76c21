-- wrk script: GET one case with the session cookie of a demo user.
-- Environment: BENCH_COOKIE ("tamkine_session=…"), BENCH_PATH.
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
wrk.headers["Accept"] = "application/json"
