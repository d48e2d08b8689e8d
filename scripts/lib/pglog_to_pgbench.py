"""Turns PostgreSQL statement-log lines (log_statement = 'all') into a pgbench script:
each executed statement with its logged parameters inlined as literals, one per line."""
import re
import sys

lines = sys.stdin.read().splitlines()
out = []
i = 0
statement = re.compile(r"LOG:\s+(?:statement|execute [^:]*): (.*)$")
params = re.compile(r"DETAIL:\s+parameters: (.*)$")
value = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
while i < len(lines):
    m = statement.search(lines[i])
    i += 1
    if not m:
        continue
    sql = m.group(1)
    if i < len(lines) and params.search(lines[i]):
        values = dict((int(k), v) for k, v in value.findall(params.search(lines[i]).group(1)))
        i += 1
        sql = re.sub(r"\$(\d+)", lambda p: values.get(int(p.group(1)), p.group(0)), sql)
    # Not the endpoint's own SQL: this bench's log switch, and the client library's statement
    # housekeeping (SOCI deallocates each prepared statement; pgbench prepares nothing).
    if sql.startswith(("ALTER SYSTEM", "SELECT pg_reload_conf", "DEALLOCATE")):
        continue
    out.append(sql.rstrip(";") + ";")
print("\n".join(out))
