# Shared by benches/load.sh and benches/soak.sh (sourced, not run): release servers on loopback, a signed
# credential to verify, and wrk scripts that check every answer, not only its status.
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --quiet
bin=target/release/skillspass
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

start() { # name cpus args... -> sets URL_<name>, PID_<name>
  local name=$1 cpus=$2; shift 2
  taskset -c "$cpus" "$bin" serve --data "$work/$name" --addr 127.0.0.1:0 "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  eval "PID_$name=$!"
  for _ in $(seq 100); do grep -q "listening on" "$work/$name.out" 2>/dev/null && break; sleep 0.1; done
  eval "URL_$name=$(sed -n 's/^skillspass listening on //p' "$work/$name.out")"
}
hwm() { awk '/VmHWM/ {print $2/1024 " MiB"}' "/proc/$1/status"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
issuer_did() { sed -n 's/^issuer \(did:web:[^ ]*\) published.*/\1/p' "$work/$1.out"; }

signed_credential() { # issuer-name -> writes $work/credential.json and $work/verify.json (a vc+jwt it issued)
  local did token url
  did=$(issuer_did "$1")
  eval "url=\$URL_$1"
  token=$(cat "$work/$1/admin-token")
  cat > "$work/credential.json" <<JSON
{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
 "type": ["VerifiableCredential", "OpenBadgeCredential"], "name": "Teamwork",
 "issuer": {"id": "$did", "type": ["Profile"], "name": "Load Test Academy"},
 "credentialSubject": {"id": "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG", "type": ["AchievementSubject"],
  "achievement": {"id": "https://academy.example/a/1", "type": ["Achievement"], "name": "Teamwork", "description": "Works in a team.",
   "criteria": {"narrative": "Peer nominated."},
   "alignment": [{"type": ["Alignment"], "targetName": "establish collaborative relations", "targetFramework": "ESCO",
     "targetUrl": "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d"}]}}}}
JSON
  local jwt
  jwt=$(curl -s -H "authorization: Bearer $token" -H 'content-type: application/json' --data @"$work/credential.json" \
    "$url/credentials/issue" | sed -n 's/.*data:application\/vc+jwt,\([^"]*\)".*/\1/p')
  printf '{"verifiableCredential": "%s"}' "$jwt" > "$work/verify.json"
}

post_lua() { # file body-file [token] [expected substring of every answer] [delay ms per request]
  { echo 'wrk.method = "POST"'; echo 'wrk.headers["content-type"] = "application/json"'
    if [ -n "${3:-}" ]; then echo "wrk.headers[\"authorization\"] = \"Bearer $3\""; fi
    printf 'local f = io.open("%s", "r"); wrk.body = f:read("*a"); f:close()\n' "$2"
    # Every answer is checked: a fast wrong answer must not count as throughput.
    cat <<LUA
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) wrong = 0 end
function response(status, headers, body)
  if status >= 300 or not string.find(body, '${4:-}', 1, true) then wrong = wrong + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("wrong") end
  io.write("wrong answers: ", n, "\n")
end
LUA
    if [ -n "${5:-}" ]; then echo "function delay() return ${5} end"; fi
  } > "$1"
}

wrk_run() { # cpus url lua [connections] [seconds] -> "rps p50 p99 non2xx wrong"
  taskset -c "$1" wrk -t1 -c"${4:-32}" -d"${5:-$duration}s" --latency -s "$3" "$2" > "$work/wrk.txt"
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$5} /^wrong answers:/ {wrong=$3}
       END {print rps, p50, p99, (bad==""?0:bad), (wrong==""?"?":wrong)}' "$work/wrk.txt"
}
