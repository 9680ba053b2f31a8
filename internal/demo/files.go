package demo

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
)

// WriteFiles writes the demo company's shared folder — a staff roster with
// My Numbers, a customer list, a payee list in Shift JIS, a mail with a
// zip of card numbers, an encrypted PPAP zip, minutes with order numbers
// only — for `mamori scan` to find where the personal data lives. Every
// name, number and address is invented; the My Numbers and card numbers
// are made to pass their check digits.
func WriteFiles(dir string) error {
	people := sakura.people
	files := map[string][]byte{}

	// 総務/従業員名簿.xlsx: the roster, My Numbers as numbers, a health column (要配慮).
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"氏名", "フリガナ", "部署", "個人番号", "携帯電話", "住所", "健康診断の所見"})
	for i, p := range people {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		health := ""
		if i%5 == 2 {
			health = "要再検査（通院中）"
		}
		f.SetSheetRow("Sheet1", cell, &[]any{p.name, p.kana, p.dept, myNumberFor(i), fmt.Sprintf("090-%04d-%04d", 1200+i*37, 3400+i*53),
			fmt.Sprintf("〒%03d-%04d 東京都大田区下丸子%d-%d-%d", 146, 82+i, 1+i%4, 1+i%9, 1+i), health})
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return err
	}
	f.Close()
	files["総務/従業員名簿.xlsx"] = b.Bytes()

	// 営業/顧客リスト.csv: UTF-8 with BOM, as Excel saves it.
	var csv strings.Builder
	csv.WriteString("\ufeff会社名,担当者,電話番号,メールアドレス,住所\n")
	for i, c := range []string{"株式会社あおば商事", "ひかり工業株式会社", "有限会社みなと製作所", "株式会社つばさ物流", "さくら台クリニック"} {
		fmt.Fprintf(&csv, "%s,%s,03-%04d-%04d,tanto%d@customer%d.example,〒%03d-%04d 神奈川県川崎市中原区%d-%d\n",
			c, people[i%len(people)].name, 3100+i*11, 5600+i*7, i+1, i+1, 211, 4+i, i+1, i+3)
	}
	files["営業/顧客リスト.csv"] = []byte(csv.String())

	// 経理/振込先一覧.csv: Shift JIS (CP932), as an older accounting package exports.
	var pay strings.Builder
	pay.WriteString("取引先,銀行,支店,種別,口座番号,名義\n")
	for i, n := range []string{"株式会社あおば商事", "ひかり工業株式会社", "山川税理士事務所"} {
		fmt.Fprintf(&pay, "%s,みずほ銀行,蒲田支店,普通,%07d,%s\n", n, 1234560+i*101, strings.Fields(people[i].kana)[0])
	}
	sjis, err := japanese.ShiftJIS.NewEncoder().String(pay.String())
	if err != nil {
		return err
	}
	files["経理/振込先一覧.csv"] = []byte(sjis)

	// 受信メール/カード決済の控え.eml: a mail with a zip of card numbers attached.
	cards := zipOf(map[string]string{"決済控え.txt": "カード番号 4111-1111-1111-1111 有効期限 12/28\nカード番号 3530-1113-3330-0000 有効期限 03/27\n"})
	var m strings.Builder
	m.WriteString("From: shop@customer1.example\r\nTo: keiri@sakura-seiki.example\r\nSubject: =?UTF-8?B?44Kr44O844OJ5rG65riI44Gu5o6n44GI?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n")
	m.WriteString("--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n決済の控えを添付します。\r\n")
	m.WriteString("--b1\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=\"cards.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	m.WriteString(base64Lines(cards))
	m.WriteString("--b1--\r\n")
	files["受信メール/カード決済の控え.eml"] = []byte(m.String())

	// 共有/給与明細_暗号化.zip: a PPAP zip whose member is encrypted.
	var ppap bytes.Buffer
	zw := zip.NewWriter(&ppap)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "給与明細.xlsx", Method: zip.Store, Flags: 0x1})
	w.Write([]byte("encrypted"))
	zw.Close()
	files["共有/給与明細_暗号化.zip"] = ppap.Bytes()

	// 共有/議事録.txt: no personal data, only order numbers and dates.
	files["共有/議事録.txt"] = []byte("2026年11月定例会議 議事録\n注文番号 202610160001 の納期を 2026-12-10 に変更しました。\n見積番号 123456789018 は来週回答します。\n")

	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// myNumberFor makes the i-th staff member's invented My Number: 11 digits
// from i and the check digit of the statute.
func myNumberFor(i int) int64 {
	base := int64(53172468091) + int64(i)*7919
	d := fmt.Sprintf("%011d", base)
	weights := []int{6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for k, w := range weights {
		sum += int(d[k]-'0') * w
	}
	c := 0
	if r := sum % 11; r > 1 {
		c = 11 - r
	}
	return base*10 + int64(c)
}

func zipOf(members map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for n, c := range members {
		w, _ := zw.Create(n)
		w.Write([]byte(c))
	}
	zw.Close()
	return b.Bytes()
}

func base64Lines(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var s strings.Builder
	for len(enc) > 76 {
		s.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	s.WriteString(enc + "\r\n")
	return s.String()
}
