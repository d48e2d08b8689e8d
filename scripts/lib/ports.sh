# free_port: prints a TCP port on 127.0.0.1 that nothing listens on, for a server a script starts.
# Ports come from below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768-60999 on
# Debian): a port inside it can be the local end of any outgoing connection (a test's database
# client, curl), which a connect() probe does not see but which makes a later bind() fail with
# "Address already in use" -- that is how CI once lost a run to check-deploy.
free_port() {
  local low=32768 span port
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  span=$(( low - 20000 ))
  [ "$span" -ge 1000 ] || span=10000 # a machine with a widened ephemeral range: best effort above 20000
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % span ))
    # Nothing may be listening on it (a connect succeeds) nor be bound to it in any state (ss).
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    if command -v ss >/dev/null && [ -n "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]; then continue; fi
    echo "$port"
    return 0
  done
  echo "free_port: no free port found" >&2
  return 1
}
