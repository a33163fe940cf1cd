#!/usr/bin/env bash
# Records the two real-traffic samples on the loopback interface (nothing leaves 127.0.0.1):
#   samples/loopback-http.pcap  python HTTP server fetched with curl (GETs + one POST upload)
#   samples/loopback-tls.pcap   python HTTPS server with a throwaway self-signed cert,
#                               fetched as https://name.test:PORT/ so the ClientHello has SNI
# Needs root (or CAP_NET_RAW) for tcpdump, plus python3, curl and openssl.
# Usage: scripts/record_loopback.sh [OUT_DIR]   (default: samples)
set -euo pipefail

OUT="${1:-samples}"
HTTP_PORT=8765
TLS_PORT=8766
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"

# A document root with a couple of files, and a server that also accepts POST uploads.
mkdir -p "$WORK/www"
printf '<html><body>whohosts loopback sample</body></html>\n' > "$WORK/www/index.html"
head -c 150000 /dev/zero | tr '\0' 'a' > "$WORK/www/big.txt"
head -c 200000 /dev/zero | tr '\0' 'u' > "$WORK/upload.bin"
cat > "$WORK/server.py" <<'PY'
import http.server, ssl, sys, functools

class Handler(http.server.SimpleHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        body = f"received {length} bytes\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

port, root = int(sys.argv[1]), sys.argv[2]
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=root))
if len(sys.argv) > 3:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PY

# Starts tcpdump on lo for one port; waits until it is listening.
start_capture() {
    local file="$1" port="$2"
    tcpdump -i lo -U -n -w "$file" "tcp port $port" 2> "$WORK/tcpdump.log" &
    CAPTURE_PID=$!
    PIDS+=("$CAPTURE_PID")
    for _ in $(seq 50); do
        grep -q "listening on" "$WORK/tcpdump.log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "tcpdump did not start" >&2
    cat "$WORK/tcpdump.log" >&2
    return 1
}

stop_capture() {
    sleep 1
    kill -INT "$CAPTURE_PID"
    wait "$CAPTURE_PID" || true
    grep -E "captured|dropped" "$WORK/tcpdump.log" >&2 || true
}

wait_port() {
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "server on port $1 did not start" >&2
    return 1
}

# --- plain HTTP --------------------------------------------------------------------------
python3 "$WORK/server.py" "$HTTP_PORT" "$WORK/www" 2> "$WORK/http.log" &
PIDS+=("$!")
wait_port "$HTTP_PORT"
start_capture "$OUT/loopback-http.pcap" "$HTTP_PORT"
curl -sS -o /dev/null "http://127.0.0.1:$HTTP_PORT/"
curl -sS -o /dev/null "http://127.0.0.1:$HTTP_PORT/index.html"
curl -sS -o /dev/null "http://127.0.0.1:$HTTP_PORT/big.txt"
curl -sS -o /dev/null -H "Host: uploads.name.test" --data-binary "@$WORK/upload.bin" \
    "http://127.0.0.1:$HTTP_PORT/upload"
stop_capture

# --- TLS with SNI ------------------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=name.test" -addext "subjectAltName=DNS:name.test" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2> /dev/null
python3 "$WORK/server.py" "$TLS_PORT" "$WORK/www" "$WORK/cert.pem" "$WORK/key.pem" 2> "$WORK/tls.log" &
PIDS+=("$!")
wait_port "$TLS_PORT"
start_capture "$OUT/loopback-tls.pcap" "$TLS_PORT"
curl -sS -k -o /dev/null --resolve "name.test:$TLS_PORT:127.0.0.1" "https://name.test:$TLS_PORT/"
curl -sS -k -o /dev/null --resolve "name.test:$TLS_PORT:127.0.0.1" "https://name.test:$TLS_PORT/big.txt"
stop_capture

capinfos -c "$OUT/loopback-http.pcap" "$OUT/loopback-tls.pcap" | grep -E "File name|Number of packets"
