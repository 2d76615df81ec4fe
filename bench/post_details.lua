-- The tutorial's curl command for /userDetails, as wrk sends it.
wrk.method = "POST"
wrk.body = "username=sam&firstname=john&lastname=king"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
