-- wrk script: POST /logging straight to a logging instance with a new uuid each request (fills the map fast).
-- Each wrk thread gets its own uuid prefix: the run's start time and its number.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("prefix", os.time() .. "-" .. threads)
end

counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"},
                    '{"uuid":"fill-' .. prefix .. '-' .. counter .. '","msg":"stored message ' .. counter .. '"}')
end
