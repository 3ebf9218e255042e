-- wrk prints its own report for a person; this adds one line for bench/load.py to read.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'PONTE {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
