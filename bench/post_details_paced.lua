-- The tutorial's curl command for /userDetails, each connection sending about ten a second:
-- a busy classroom's pace rather than as fast as possible.
wrk.method = "POST"
wrk.body = "username=sam&firstname=john&lastname=king"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

function delay()
   return 100
end
