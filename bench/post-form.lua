-- wrk script: POST /facade with a form field msg, a new text each request.
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"},
                    "msg=benchmark+message+" .. counter)
end
