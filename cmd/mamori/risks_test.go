package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRiskImportExportCommands: `mamori import --kind risks` refuses a bad
// level naming the row and the column, applies a good sheet, and `mamori
// export --kind risks` writes it back with the computed columns.
func TestRiskImportExportCommands(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "C", "MAMORI_DATA", dir)
	ja := envOf("LANG", "ja_JP.UTF-8", "MAMORI_DATA", dir)
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	people := write("people.csv", "氏名,メールアドレス,部署,雇用形態\r\n山田 太郎,yamada@kaisha.example,経営,役員\r\n")
	assets := write("assets.csv", "情報資産名称,媒体・保存先,個人情報,機密性,完全性,可用性\r\n顧客名簿,社内サーバ,○,2,2,2\r\n")
	bad := write("bad.csv", "情報資産名称,脅威,脅威の起こりやすさ,脆弱性のつけ込みやすさ\r\n顧客名簿,ランサムウェアによる被害,3,4\r\n")
	unknown := write("unknown.csv", "情報資産名称,脅威,脅威の起こりやすさ,脆弱性のつけ込みやすさ\r\n見積書,ランサムウェアによる被害,1,1\r\n")
	good := write("good.csv", "情報資産名称,脅威,脅威の起こりやすさ,脆弱性のつけ込みやすさ,対応,対策の内容,担当者,期日\r\n顧客名簿,ランサムウェアによる被害,3,2,低減,外部バックアップ,山田 太郎,2026/06/30\r\n")
	steps := []struct {
		args []string
		env  func(string) string
		code int
		want []string
	}{
		{[]string{"migrate"}, env, 0, nil},
		{[]string{"org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ"}, env, 0, nil},
		{[]string{"import", "--org", "kaisha", "--apply", people}, env, 0, nil},
		{[]string{"import", "--org", "kaisha", "--apply", assets}, env, 0, nil},
		{[]string{"import", "--org", "kaisha", "--kind", "risks", bad}, ja, 1, []string{"2 行目の「脆弱性のつけ込みやすさ」"}},
		{[]string{"import", "--org", "kaisha", "--kind", "risks", unknown}, ja, 1, []string{"2 行目の「情報資産名称」の「見積書」は情報資産管理台帳にありません"}},
		{[]string{"import", "--org", "kaisha", "--kind", "risks", "--apply", good}, env, 0, []string{"Risk analysis", "1 to add"}},
		{[]string{"export", "--org", "kaisha", "--kind", "risks", "--lang", "ja"}, env, 0, []string{"重要度", "被害発生可能性", "リスク値", "顧客名簿,社内サーバ,○,2,2,2,3,ランサムウェアによる被害,3,2,2,6,低減,外部バックアップ,山田 太郎,2026-06-30,対応中"}},
		{[]string{"audit", "verify"}, env, 0, []string{"intact"}},
	}
	for _, s := range steps {
		out, line, code := runCmd(t, s.env, s.args...)
		for _, want := range s.want {
			if code != s.code || !strings.Contains(out+line, want) {
				t.Fatalf("%v: got exit %d %q %q, want exit %d containing %q", s.args, code, out, line, s.code, want)
			}
		}
		if code != s.code {
			t.Fatalf("%v: got exit %d %q, want %d", s.args, code, line, s.code)
		}
	}
}
