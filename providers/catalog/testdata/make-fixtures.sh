#!/bin/sh
# make-fixtures.sh regenerates the signed test catalogs of the catalog
# provider's tests and the sample catalog of examples/quickstart. It needs
# openssl, gcab (Debian package gcab) and osslsigncode. The outputs are
# committed; tests never run this script.
#
#   cd providers/catalog/testdata && ./make-fixtures.sh
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f ./*.cab # osslsigncode does not overwrite

# Every certificate comes from `openssl ca` with fixed dates, so that a
# signature can be time-stamped at a moment when its certificate was valid
# and has expired since.
start=20240101000000Z
end=20440101000000Z
ca() { # dir: a minimal CA database
	mkdir -p "$1/new"
	: >"$1/index.txt"
	printf '[ca]\ndefault_ca=d\n[d]\ndir=%s\ndatabase=$dir/index.txt\nnew_certs_dir=$dir/new\nserial=$dir/serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\ncopy_extensions=none\n[p]\ncommonName=supplied\norganizationName=optional\n' "$1" >"$1/ca.cnf"
	echo 1000 >"$1/serial"
}
root() { # dir subject: a self-signed root
	ca "$1"
	openssl req -new -newkey rsa:2048 -nodes -keyout "$1/key.pem" -out "$1/req.pem" -subj "$2"
	printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' >"$1/ext"
	openssl ca -batch -notext -config "$1/ca.cnf" -selfsign -keyfile "$1/key.pem" -startdate $start -enddate $end \
		-extfile "$1/ext" -in "$1/req.pem" -out "$1/cert.pem" 2>/dev/null
}
leaf() { # name subject eku ca-dir [startdate enddate]
	openssl req -new -newkey rsa:2048 -nodes -keyout "$work/$1.key" -out "$work/$1.csr" -subj "$2"
	printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,%s\nauthorityKeyIdentifier=keyid\n' "$3" >"$work/$1.ext"
	openssl ca -batch -notext -config "$4/ca.cnf" -cert "$4/cert.pem" -keyfile "$4/key.pem" \
		-startdate "${5:-$start}" -enddate "${6:-$end}" -extfile "$work/$1.ext" -in "$work/$1.csr" -out "$work/$1.pem" 2>/dev/null
}
root "$work/root" "/CN=updplan test root CA"
cp "$work/root/cert.pem" test-root.pem
leaf codesign "/CN=updplan test catalog signer/O=updplan tests" codeSigning "$work/root"
leaf expired "/CN=updplan expired catalog signer" codeSigning "$work/root" 20240101000000Z 20240601000000Z
leaf tsa "/CN=updplan test time stamping" timeStamping "$work/root"
leaf server "/CN=wrong usage" serverAuth "$work/root"

# A root nobody trusts, and a code-signing certificate under it.
root "$work/other" "/CN=untrusted root CA"
leaf untrusted "/CN=untrusted signer" codeSigning "$work/other"

# The payload: a few small files, like the real catalog's inner cabinets.
mkdir "$work/payload"
printf 'package.xml of a test catalog\n' >"$work/payload/package.xml"
head -c 20000 /dev/zero | tr '\0' 'u' >"$work/payload/index.xml"
(cd "$work/payload" && gcab -c -z "$work/unsigned.cab" package.xml index.xml)
cp "$work/unsigned.cab" unsigned.cab

sign() { # out cert key hash [extra osslsigncode args...]
	out=$1 cert=$2 key=$3 hash=$4
	shift 4
	osslsigncode sign -certs "$cert" -key "$key" -h "$hash" -n "wsusscn2 test" "$@" -in "$work/unsigned.cab" -out "$out"
}
sign signed.cab "$work/codesign.pem" "$work/codesign.key" sha256
sign signed-sha1.cab "$work/codesign.pem" "$work/codesign.key" sha1
sign untrusted.cab "$work/untrusted.pem" "$work/untrusted.key" sha256
sign wrong-usage.cab "$work/server.pem" "$work/server.key" sha256
# Time-stamped (RFC 3161, by the test TSA) on 2024-03-01, by a certificate
# that expired on 2024-06-01: valid at the time stamp. The same without time
# stamp is refused (expired now).
cat "$work/tsa.pem" test-root.pem >"$work/tsa-chain.pem"
sign timestamped.cab "$work/expired.pem" "$work/expired.key" sha256 \
	-TSA-certs "$work/tsa-chain.pem" -TSA-key "$work/tsa.key" -TSA-time 1709251200
sign expired.cab "$work/expired.pem" "$work/expired.key" sha256
# Dual-signed: SHA-1 primary, SHA-256 nested (as Microsoft did until 2020).
cp signed-sha1.cab "$work/sha1.cab"
osslsigncode sign -nest -certs "$work/codesign.pem" -key "$work/codesign.key" -h sha256 -n "wsusscn2 test" \
	-in "$work/sha1.cab" -out dual.cab

# Tampered: one byte of the payload changed after signing (offset 120 is in
# the compressed data, before the signature at the end).
cp signed.cab tampered.cab
printf 'X' | dd of=tampered.cab bs=1 seek=120 conv=notrunc 2>/dev/null
cmp -s signed.cab tampered.cab && { echo "tampering changed nothing" >&2; exit 1; }

# The oracle: osslsigncode agrees with what the tests expect.
for f in signed.cab timestamped.cab dual.cab; do
	osslsigncode verify -ignore-cdp -CAfile test-root.pem -TSA-CAfile test-root.pem -in "$f" >/dev/null
done
for f in tampered.cab unsigned.cab untrusted.cab expired.cab; do
	if osslsigncode verify -ignore-cdp -CAfile test-root.pem -in "$f" >/dev/null 2>&1; then
		echo "$f verifies, but must not" >&2
		exit 1
	fi
done

# The quickstart's sample catalog and its trust anchor.
drop=../../../examples/quickstart/catalog-drop
cp signed.cab "$drop/wsusscn2.cab"
cp test-root.pem "$drop/test-root.pem"
echo "fixtures written"
