package mailguard

import (
	"bufio"
	"bytes"
	"encoding/base64"
)

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }

func encodeBase64(dst, src []byte) int {
	base64.StdEncoding.Encode(dst, src)
	return base64.StdEncoding.EncodedLen(len(src))
}
