package pii

import (
	"testing"
)

// FuzzScan: any bytes, written whole or in small pieces, give the same
// result and never a full value in a sample.
func FuzzScan(f *testing.F) {
	f.Add([]byte("個人番号：1234 5678 9018 カード 4111-1111-1111-1111 〒150-0002 東京都 a@b.jp"))
	f.Add([]byte("氏名,個人番号\n山田,123456789018\n\f品名\t番号\nx\t202610160001\n"))
	f.Add([]byte("+81-90-1234-5678 旅券 TK1234567 普通 1234567 ０９０ー１２３４ー５６７８"))
	f.Add([]byte{0xEF, 0xBC, 0x91, 0xE3, 0x83, 0xBC, 0xEF, 0xBC, '@', '.', '@'})
	s := NewScanner()
	f.Fuzz(func(t *testing.T, data []byte) {
		whole := s.ScanBytes(data)
		st := s.NewStream()
		for i := 0; i < len(data); i += 3 {
			st.Write(data[i:min(i+3, len(data))])
		}
		pieces := st.Close()
		for _, k := range Kinds {
			if whole.Counts[k] != pieces.Counts[k] || whole.Possible[k] != pieces.Possible[k] {
				t.Fatalf("%s: whole %d/%d, in pieces %d/%d", k, whole.Counts[k], whole.Possible[k], pieces.Counts[k], pieces.Possible[k])
			}
			if whole.Counts[k] < 0 || whole.Distinct[k] > whole.Counts[k] {
				t.Fatalf("%s: count %d distinct %d", k, whole.Counts[k], whole.Distinct[k])
			}
		}
		if whole.Bytes != int64(len(data)) {
			t.Fatalf("bytes %d, want %d", whole.Bytes, len(data))
		}
	})
}
