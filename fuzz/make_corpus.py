#!/usr/bin/env python3
"""Writes the committed seed corpus fuzz/corpus/<target>/ from the repository's fixtures.

Run from anywhere: python3 fuzz/make_corpus.py. Needs python3 and `cryptography` (for
OAEP/AES seeds) and openssl (DER conversions). Seeds are small and meaningful: real
headers and bodies from fixtures/vectors, real PEMs, bill CSV in WeChat Pay's layout,
request bodies shaped by fixtures/api/endpoints.json. CI never runs this; it replays the
committed files.
"""
import base64, gzip, hashlib, json, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
V = os.path.join(ROOT, "fixtures", "vectors")
OUT = os.path.join(ROOT, "fuzz", "corpus")

def load(name):
    with open(os.path.join(V, name), encoding="utf-8") as f:
        return json.load(f)

def key(name):
    with open(os.path.join(V, "keys", name), "rb") as f:
        return f.read()

def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def msg(start, headers, body):
    head = "".join(f"{k}: {v}\n" for k, v in headers)
    if isinstance(body, str):
        body = body.encode("utf-8")
    return (f"{start}\n{head}\n").encode("utf-8") + body

NOW = 1735700003
sig = load("signature_vectors.json")
resp = load("response_verification_vectors.json")
notify = load("notify_vectors.json")
oaep = load("rsa_oaep_vectors.json")

# authorization_header
for c in sig["cases"][:12]:
    put("authorization_header", c["id"], c["authorization"])
a = sig["cases"][0]["authorization"]
scheme, params = a.split(" ", 1)
parts = params.split(",")
put("authorization_header", "reordered", scheme + " " + ", ".join(reversed(parts)))
put("authorization_header", "duplicate", a + "," + parts[0])
put("authorization_header", "unquoted", a.replace('mchid="1900000100"', "mchid=1900000100"))
put("authorization_header", "other_scheme", a.replace("WECHATPAY2-SHA256-RSA2048", "WECHATPAY2-SM2-WITH-SM3"))
put("authorization_header", "unknown_param", a + ',extra="x"')
put("authorization_header", "missing", scheme + " " + ",".join(parts[:-1]))

# signature_headers and transport_response
def sig_headers(c):
    h = [("Wechatpay-Timestamp", c["timestamp"]), ("Wechatpay-Nonce", c["nonce"]),
         ("Wechatpay-Serial", c["serial"]), ("Wechatpay-Signature", c["signature"])]
    if c.get("signature_type"):
        h.append(("Wechatpay-Signature-Type", c["signature_type"]))
    return h
for c in resp["cases"]:
    put("signature_headers", c["id"], msg(str(int(c["verify_at"]) - NOW), sig_headers(c), c["body"]))
    status = "204" if c["body"] == "" else "200"
    put("transport_response", c["id"],
        msg(status, sig_headers(c) + [("Request-ID", "08F78BB5AF0610D302189F0BA2B8F4D9012A0000")], c["body"]))
by_id = {c["id"]: c for c in resp["cases"]}
# A response signed by a platform certificate the transport has not seen: it fetches
# /v3/certificates (R04) and verifies with what that brings.
r01 = msg("200", sig_headers(by_id["R01"]), by_id["R01"]["body"])
r04 = msg("200", sig_headers(by_id["R04"]), by_id["R04"]["body"])
put("transport_response", "cert_fetch", r01 + b"--NEXT--\n" + r04)
put("transport_response", "error_400", msg("400", [("Request-ID", "R1")],
    '{"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/amount/total","value":0,"issue":"must be positive","location":"body"}}'))
put("transport_response", "error_429", msg("429", [("Retry-After", "1")], '{"code":"FREQUENCY_LIMITED","message":"频率超限"}'))
put("transport_response", "unsigned_200", msg("200", [], '{"a":1}'))
put("transport_response", "download", msg("d200", [("Content-Length", "40")], "交易时间,公众账号ID\n`2025-01-01,`wx1\n"))
put("transport_response", "download_404", msg("d404", [], '{"code":"RESOURCE_NOT_EXISTS","message":"账单不存在"}'))

# notify_parse
for c in notify["cases"]:
    h = list(c["headers"].items())
    put("notify_parse", c["id"] + "_real", msg("real", h, c["body"]))
    put("notify_parse", c["id"] + "_trusted", msg("trusted", h, c["body"]))
    et = json.loads(c["body"])["event_type"]
    put("notify_parse", c["id"] + "_sealed", msg("sealed " + et, [], c["plaintext"]))
put("notify_parse", "sealed_unknown", msg("sealed SOMETHING.NEW", [], '{"a":[1,2,{"b":null}]}'))
put("notify_parse", "sealed_withdraw", msg("sealed MCHWITHDRAW.CHANGE", [], '{"sp_mchid":"1900000100","sub_mchid":"1900000109","withdraw_id":"W1","amount":1}'))
put("notify_parse", "sealed_profitsharing", msg("sealed PROFITSHARING.SUCCESS", [], '{"sp_mchid":"1900000100","sub_mchid":"1900000109","transaction_id":"4200000985202103031441826014","order_id":"30000","out_order_no":"P1","receiver":{"type":"MERCHANT_ID","receiver_account":"1900000110","amount":1,"description":"分账"},"success_time":"2025-01-01T10:35:00+08:00"}'))
c = notify["cases"][0]
h = dict(c["headers"]); h["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/abc"
put("notify_parse", "signtest_probe", msg("real", list(h.items()), c["body"]))

# pem_loading
def der(pem_bytes, kind):
    args = {"key": ["pkey", "-outform", "DER"], "pkcs1": ["rsa", "-traditional", "-outform", "DER"],
            "pub": ["pkey", "-pubin", "-outform", "DER"], "cert": ["x509", "-outform", "DER"]}[kind]
    return subprocess.run(["openssl"] + args, input=pem_bytes, capture_output=True, check=True).stdout
for sel, name, data in [
    (0, "merchant_key_pem", key("apiclient_key.pem")),
    (0, "platform_key_pem", key("wechatpay_platform_key.pem")),
    (1, "merchant_key_pkcs8_der", der(key("apiclient_key.pem"), "key")),
    (2, "merchant_key_pkcs1_der", der(key("apiclient_key.pem"), "pkcs1")),
    (0, "merchant_key_pkcs1_pem", subprocess.run(["openssl", "rsa", "-traditional"], input=key("apiclient_key.pem"), capture_output=True, check=True).stdout),
    (3, "merchant_pub_pem", key("apiclient_pub.pem")),
    (3, "pub_key_pem", key("pub_key.pem")),
    (4, "pub_key_der", der(key("pub_key.pem"), "pub")),
    (5, "pub_key_der_any", der(key("pub_key.pem"), "pub")),
    (6, "platform_cert_pem", key("wechatpay_platform_cert.pem")),
    (6, "merchant_cert_pem", key("apiclient_cert.pem")),
    (7, "platform_cert_der", der(key("wechatpay_platform_cert.pem"), "cert")),
    (8, "wechatpay_public_key", key("pub_key.pem")),
    (6, "cert_label_on_key", key("apiclient_key.pem").replace(b"PRIVATE KEY", b"CERTIFICATE")),
    (0, "encrypted_label", key("apiclient_key.pem").replace(b"PRIVATE KEY", b"ENCRYPTED PRIVATE KEY")),
    (3, "two_blocks", key("apiclient_pub.pem") + key("pub_key.pem")),
]:
    put("pem_loading", name, bytes([sel]) + data)

# sensitive_decrypt
for c in oaep["to_merchant_key"][:4]:
    put("sensitive_decrypt", c["id"] + "_raw", bytes([0]) + base64.b64decode(c["ciphertext"]))
    put("sensitive_decrypt", c["id"] + "_field", bytes([1]) + c["ciphertext"].encode())
for c in oaep["negative"][:4]:
    put("sensitive_decrypt", c["id"] + "_negative", bytes([1]) + c["ciphertext"].encode())
ct = oaep["to_merchant_key"][0]["ciphertext"]
put("sensitive_decrypt", "walker", bytes([2]) + (
    "/contact_info/contact_name\n/ubo_info_list/*/ubo_id_doc_name\n/o~1k/v\n/absent\n\n"
    + json.dumps({"contact_info": {"contact_name": ct, "contact_type": "65"},
                  "ubo_info_list": [{"ubo_id_doc_name": "李四"}, {"ubo_id_doc_name": ct}],
                  "o/k": {"v": "x"}}, ensure_ascii=False)).encode())
put("sensitive_decrypt", "walker_index", bytes([2]) + b"/a/0\n/a/*\n\n{\"a\":[\"x\",\"y\"]}")

# bill_csv and bill_stream
from_parse = open(os.path.join(ROOT, "crates/services/bill/src/parse.rs"), encoding="utf-8").read()
def consts(name):
    m = re.search(name + r": \[&str; \d+\] =\s*\[(.*?)\];", from_parse, re.S)
    return re.findall(r'"([^"]*)"', m.group(1))
TRADE, TRADE_SUM = consts("TRADE_BILL_COLUMNS"), consts("TRADE_SUMMARY_COLUMNS")
FUND, FUND_SUM = consts("FUND_FLOW_COLUMNS"), consts("FUND_FLOW_SUMMARY_COLUMNS")
def tick(vals): return ",".join("`" + v for v in vals)
row1 = ["2025-01-31 10:34:56", "wx8888888888888888", "1900000100", "1900000109", "", "4200000985202103031441826014",
        "1217752501201407033233368018", "oUpF8uMEb4qRXf22hE3X68TekukE", "JSAPI", "SUCCESS", "CMC", "CNY", "1.00", "0.00",
        "0", "0", "0.00", "0.00", "", "", "商品, 含逗号", "", "0.01", "0.60%", "1.00", "0.00", ""]
row2 = list(row1); row2[9] = "REFUND"; row2[14] = "50000000382019052709732678859"; row2[15] = "R1"; row2[16] = "0.50"; row2[19] = "SUCCESS"; row2[22] = "-0.01"; row2[25] = "0.50"
trade = ",".join(TRADE) + "\r\n" + tick(row1) + "\r\n" + tick(row2) + "\r\n" + ",".join(TRADE_SUM) + "\r\n" + tick(["2", "1.00", "0.50", "0.00", "0.00", "2.00", "0.50"]) + "\r\n"
fund = ",".join(FUND) + "\r\n" + tick(["2026-01-01 10:00:00", "4200000001", "1", "交易", "交易", "收入", "100.00", "100.00", "system", "a, b", ""]) + "\r\n" \
    + tick(["2026-01-01 11:00:00", "50300001", "2", "退款", "退款", "支出", "0.50", "99.50", "system", "", ""]) + "\r\n" \
    + ",".join(FUND_SUM) + "\r\n" + tick(["2", "1", "100.00", "1", "0.50"]) + "\r\n"
put("bill_csv", "trade", b"\x00" + trade.encode())
put("bill_csv", "trade_bom", b"\x00" + "\ufeff".encode() + trade.encode())
put("bill_csv", "fund", b"\x01" + fund.encode())
put("bill_csv", "fund_lines", b"\x02" + fund.encode())
put("bill_csv", "trade_lines", b"\x02" + trade.encode())
put("bill_csv", "trade_truncated", b"\x00" + trade.encode()[:len(trade.encode()) // 2])
put("bill_csv", "amounts", b"\x03" + b"0.00,1,1.5,-0.05,12345.67,92233720368547758.07,-92233720368547758.08,.5,1.234" + (2**63 - 1).to_bytes(8, "little"))
put("bill_stream", "gzip_trade", b"\x00\x04" + gzip.compress(trade.encode()))
put("bill_stream", "gzip_two_members", b"\x00\x01" + gzip.compress(fund.encode()[:50]) + gzip.compress(fund.encode()[50:]))
put("bill_stream", "gzip_truncated", b"\x00\x02" + gzip.compress(trade.encode())[:-9])
put("bill_stream", "plain_fund", b"\x01\x03" + fund.encode())
put("bill_stream", "roundtrip", b"\x02\x20" + trade.encode())
put("bill_stream", "encrypted_forged", b"\x03\x01A1b2C3d4E5f6" + os.urandom(0) + b"\x00" * 40)
put("bill_stream", "sealed", b"\x04\x01" + fund.encode())
try:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    pub = serialization.load_pem_public_key(key("apiclient_pub.pem"))
    oaep_pad = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
    k = b"0123456789abcdef0123456789ABCDEF"
    put("bill_stream", "file_key", b"\x05\x01" + base64.b64encode(pub.encrypt(k, oaep_pad)))
    put("bill_stream", "file_key_b64", b"\x05\x01" + base64.b64encode(pub.encrypt(base64.b64encode(k), oaep_pad)))
    put("bill_stream", "file_key_short", b"\x05\x01" + base64.b64encode(pub.encrypt(k[:16], oaep_pad)))
    sealed = AESGCM(k).encrypt(b"A1b2C3d4E5f6", fund.encode(), b"")
    put("bill_stream", "encrypted_real", b"\x03\x01A1b2C3d4E5f6" + sealed)
except ImportError:
    print("cryptography missing: skipped OAEP/AES seeds", file=sys.stderr)

# mock_verify: real signed requests (outside the mock's window: rejected with the hint),
# and `sign ` requests the target signs at the mock's time.
UA = [("User-Agent", "wechatpay-fuzz/1"), ("Accept", "application/json")]
for c in sig["cases"][:8]:
    h = UA + [("Authorization", c["authorization"])]
    if c["body"]:
        h.append(("Content-Type", "application/json"))
    put("mock_verify", c["id"], msg(f'{c["method"]} {c["url"]}', h, c["body"]))
    put("mock_verify", c["id"] + "_sign", msg(f'sign {c["method"]} {c["url"]}', h, c["body"]))
put("mock_verify", "no_auth", msg("GET /v3/certificates", UA, ""))
put("mock_verify", "no_ua", msg("sign GET /v3/certificates", [("Accept", "application/json")], ""))
put("mock_verify", "bad_accept", msg("sign GET /v3/certificates", [("User-Agent", "x"), ("Accept", "text/html")], ""))
put("mock_verify", "echo", msg("sign POST /v3/security/echo", UA + [("Content-Type", "application/json")], '{"a":1}'))
boundary = "BOUNDARY123"
meta = '{"filename":"a.png","sha256":"' + hashlib.sha256(b"\x89PNG").hexdigest() + '"}'
mp = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{meta}\r\n"
      f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n").encode() + b"\x89PNG" + f"\r\n--{boundary}--\r\n".encode()
put("mock_verify", "multipart", msg("POST /v3/merchant/media/upload", UA + [("Content-Type", f"multipart/form-data; boundary={boundary}")], mp))
put("mock_verify", "admin", msg("GET /mock/admin/tenants", [], ""))
put("mock_verify", "not_found", msg("sign GET /v3/nothing/here", UA, ""))

# mock_area_json and mock_admin_json: bodies shaped by the endpoint schemas.
def example(schema, name="", depth=0):
    t = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if t == "object" or "properties" in schema:
        props = schema.get("properties", {})
        req = set(schema.get("required", [])) | {k for k, v in props.items() if v.get("x-required")}
        return {k: example(v, k, depth + 1) for k, v in props.items() if k in req or depth < 1}
    if t == "array":
        return [example(schema.get("items", {}), name, depth + 1)]
    if t == "integer":
        return 1
    if t == "number":
        return 1
    if t == "boolean":
        return False
    fmt = schema.get("format", "")
    if fmt == "date-time":
        return "2025-01-01T12:00:00+08:00"
    if fmt == "date":
        return "2025-01-01"
    if "mchid" in name:
        return "1900000109" if "sub" in name else "1900000100"
    if "appid" in name:
        return "wxd678efh567hg6999" if "sub" in name else "wx8888888888888888"
    if "url" in name:
        return "https://merchant.example/notify"
    if name.endswith("_ip"):
        return "127.0.0.1"
    if "openid" in name:
        return "oUpF8uMEb4qRXf22hE3X68TekukE" if "sub" in name else "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
    return "X" + name.upper()[:20]

area_src = open(os.path.join(ROOT, "fuzz/fuzz_targets/mock_area_json.rs"), encoding="utf-8").read()
area = re.findall(r'\("(GET|POST)", "([^"]+)"\)', area_src)
admin_src = open(os.path.join(ROOT, "fuzz/fuzz_targets/mock_admin_json.rs"), encoding="utf-8").read()
admin = re.findall(r'\("(GET|POST|PUT|DELETE)", "([^"]+)"\)', admin_src)
eps = json.load(open(os.path.join(ROOT, "fixtures/api/endpoints.json"), encoding="utf-8"))["endpoints"]
def pattern(p): return re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(p)) + "$")
for i, (m, path) in enumerate(area):
    ep = next((e for e in eps if e["method"] == m and pattern(e["path"]).match(path)), None)
    if m == "POST":
        body = json.dumps(example(ep["request_schema"]) if ep and ep.get("request_schema") else {}, ensure_ascii=False).encode()
    else:
        qs = []
        for q in (ep or {}).get("query_params", []):
            qn = q.get("name", "")
            qs.append(f"{qn}={example(q.get('schema', q), qn)}")
        body = "&".join(qs).encode()
    put("mock_area_json", f"{i:02}", bytes([i]) + body)
put("mock_area_json", "bad_json", bytes([7]) + b'{"amount":{"total":1e999}}')
put("mock_area_json", "dup_keys", bytes([7]) + b'{"sp_mchid":"1900000100","sp_mchid":"1"}')
admin_bodies = {
    "/clock/advance": '{"secs":3600}',
    "/ledger/deposit": '{"account":"1900000109:AVAILABLE","amount_fen":100,"memo":"seed"}',
    "/callbacks": '{"notify_url":"http://127.0.0.1:9/cb","event_type":"TRANSACTION.SUCCESS","resource":{"a":1},"summary":"支付成功"}',
    "/faults": '{"path":"/v3/pay/partner/transactions/jsapi","probability":0.5,"seed":7,"max_hits":2,"effect":{"type":"error","status":500,"code":"SYSTEM_ERROR","message":"x"}}',
    "/payments/pay": '{"sub_mchid":"1900000109","out_trade_no":"O20250101000001","bank_type":"CMC","openid":"oUpF8uMEb4qRXf22hE3X68TekukE"}',
    "/payments/fail": '{"sub_mchid":"1900000109","out_trade_no":"O20250101000001","desc":"余额不足"}',
    "/payments/user-paying": '{"combine_out_trade_no":"C20250101000001"}',
    "/payments/close": '{"prepay_id":"wx201410272009395522657a690389285100"}',
    "/payments/sub-merchants/1900000109": '{"organization_type":"2401"}',
    "/payments/settings": '{"fee_rate_bp":60,"default_organization_type":"4"}',
    "/settlement/settings": '{"max_ratio_bp":3000,"freeze_days":30}',
    "/settlement/1900000109/verify-result": '{"verify_result":"VERIFY_SUCCESS"}',
    "/applyments/2000002124775691/reject": '{"audit_detail":[{"param_name":"id_card","reject_reason":"模糊"}]}',
    "/applyments/2000002124775691/approve": '{"via":"legal_person"}',
}
admin_queries = {"/ledger/entries": "account=1900000109:AVAILABLE&kind=PAYMENT&limit=5&from_unix=0",
                 "/ledger/balances": "owner=1900000109", "/callbacks": "status=PENDING&limit=3",
                 "/payments/orders": "trade_state=NOTPAY&limit=2", "/payments/order": "out_trade_no=O1&sub_mchid=1900000109"}
for i, (m, path) in enumerate(admin):
    if m in ("POST", "PUT"):
        body = admin_bodies.get(path, "{}")
    else:
        body = admin_queries.get(path, "mchid=1900000100")
    put("mock_admin_json", f"{i:02}", bytes([i]) + body.encode())
put("mock_admin_json", "advance_huge", bytes([3]) + b'{"secs":9223372036854775807}')
put("mock_admin_json", "advance_negative", bytes([3]) + b'{"secs":-9223372036854775808}')
put("mock_admin_json", "deposit_huge", bytes([9]) + b'{"account":"1900000109:AVAILABLE","amount_fen":18446744073709551615}')
put("mock_admin_json", "fault_latency", bytes([15]) + b'{"effect":{"type":"latency","ms":1}}')
print("corpus written to", OUT)
