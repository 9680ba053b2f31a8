package notify

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
)

// title is the digest's heading.
func (d Digest) title(t T) string {
	if d.Test {
		return t("notify.msg.test_title", d.Org)
	}
	if d.Alert != "" {
		return t("notify.msg.incident_title", d.Org)
	}
	return t("notify.msg.title", d.Org, len(d.Items))
}

// shown returns the items listed and how many more there are.
func (d Digest) shown() ([]Item, int) {
	if len(d.Items) > MaxItems {
		return d.Items[:MaxItems], len(d.Items) - MaxItems
	}
	return d.Items, 0
}

// when says an item's due day and lateness in words.
func (it Item) when(t T) string {
	switch {
	case it.Kind == IncidentItem:
		return t("notify.msg.incident")
	case it.Due.IsZero():
		return t("notify.msg.finding")
	case it.Overdue > 0:
		return t("notify.msg.overdue", it.Due.Slashed(), it.Overdue)
	default:
		return t("notify.msg.due", it.Due.Slashed())
	}
}

// intro is the first line under the heading.
func (d Digest) intro(t T) string {
	if d.Test {
		return t("notify.msg.test_body")
	}
	if d.Alert != "" {
		return d.Alert
	}
	return t("notify.msg.intro", d.Recipient, d.Day.Slashed())
}

// Mail is an e-mail's subject and bodies.
type Mail struct {
	Subject string
	Text    string
	HTML    string
}

// EmailOf renders the digest as an e-mail: plain text, with an HTML
// alternative that says the same.
func EmailOf(d Digest, t T) Mail {
	items, more := d.shown()
	var b, h strings.Builder
	fmt.Fprintf(&b, "%s\n\n", d.intro(t))
	fmt.Fprintf(&h, "<!doctype html><html><body><p>%s</p><ul>", html.EscapeString(d.intro(t)))
	for _, it := range items {
		fmt.Fprintf(&b, "%s\n  %s\n", t("notify.msg.line", it.Title, it.when(t)), it.URL)
		fmt.Fprintf(&h, `<li><a href="%s">%s</a> (%s)</li>`, html.EscapeString(it.URL), html.EscapeString(it.Title), html.EscapeString(it.when(t)))
	}
	h.WriteString("</ul>")
	if more > 0 {
		fmt.Fprintf(&b, "\n%s\n", t("notify.msg.more", more))
		fmt.Fprintf(&h, "<p>%s</p>", html.EscapeString(t("notify.msg.more", more)))
	}
	fmt.Fprintf(&b, "\n%s\n%s\n\n-- \n%s\n", t("notify.msg.open"), d.URL, t("notify.msg.footer"))
	fmt.Fprintf(&h, `<p><a href="%s">%s</a></p><hr><p>%s</p></body></html>`, html.EscapeString(d.URL), html.EscapeString(t("notify.msg.open")), html.EscapeString(t("notify.msg.footer")))
	return Mail{Subject: d.title(t), Text: b.String(), HTML: h.String()}
}

// plain is the digest as short plain text, for chat tools without markup.
func plain(d Digest, t T) string {
	items, more := d.shown()
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", d.intro(t))
	for _, it := range items {
		fmt.Fprintf(&b, "%s\n%s\n", t("notify.msg.line", it.Title, it.when(t)), it.URL)
	}
	if more > 0 {
		fmt.Fprintf(&b, "%s\n", t("notify.msg.more", more))
	}
	fmt.Fprintf(&b, "%s %s", t("notify.msg.open"), d.URL)
	return b.String()
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// SlackOf is the JSON body for a Slack incoming webhook: a header, one
// section per item with its link, and a fallback text for notifications.
func SlackOf(d Digest, t T) []byte {
	items, more := d.shown()
	blocks := []any{
		map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": d.title(t)}},
		map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": slackEscape(d.intro(t))}},
	}
	for _, it := range items {
		blocks = append(blocks, map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn",
			"text": fmt.Sprintf("• <%s|%s>\n%s", it.URL, slackEscape(it.Title), slackEscape(it.when(t)))}})
	}
	if more > 0 {
		blocks = append(blocks, map[string]any{"type": "context", "elements": []any{map[string]any{"type": "mrkdwn", "text": slackEscape(t("notify.msg.more", more))}}})
	}
	blocks = append(blocks, map[string]any{"type": "actions", "elements": []any{map[string]any{"type": "button",
		"text": map[string]any{"type": "plain_text", "text": t("notify.msg.open")}, "url": d.URL}}})
	return mustJSON(map[string]any{"text": d.title(t), "blocks": blocks})
}

// TeamsOf is the JSON body a Microsoft Teams workflow ("Post to a channel
// when a webhook request is received", Power Automate) expects: a message
// whose attachment is an Adaptive Card.
func TeamsOf(d Digest, t T) []byte {
	items, more := d.shown()
	body := []any{
		map[string]any{"type": "TextBlock", "text": d.title(t), "weight": "Bolder", "size": "Medium", "wrap": true},
		map[string]any{"type": "TextBlock", "text": d.intro(t), "wrap": true},
	}
	for _, it := range items {
		body = append(body, map[string]any{"type": "TextBlock", "wrap": true,
			"text": fmt.Sprintf("- [%s](%s) — %s", teamsEscape(it.Title), it.URL, it.when(t))})
	}
	if more > 0 {
		body = append(body, map[string]any{"type": "TextBlock", "text": t("notify.msg.more", more), "wrap": true, "isSubtle": true})
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body":    body,
		"actions": []any{map[string]any{"type": "Action.OpenUrl", "title": t("notify.msg.open"), "url": d.URL}},
	}
	return mustJSON(map[string]any{"type": "message", "attachments": []any{map[string]any{
		"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": nil, "content": card}}})
}

// teamsEscape keeps a title from breaking the card's Markdown link.
func teamsEscape(s string) string { return strings.NewReplacer("[", "(", "]", ")").Replace(s) }

// GoogleChatOf is the JSON body for a Google Chat incoming webhook: a
// fallback text and a cardsV2 card, one widget per item that opens its
// link.
func GoogleChatOf(d Digest, t T) []byte {
	items, more := d.shown()
	var widgets []any
	widgets = append(widgets, map[string]any{"textParagraph": map[string]any{"text": html.EscapeString(d.intro(t))}})
	for _, it := range items {
		widgets = append(widgets, map[string]any{"decoratedText": map[string]any{
			"text": html.EscapeString(it.Title), "bottomLabel": it.when(t), "wrapText": true,
			"onClick": map[string]any{"openLink": map[string]any{"url": it.URL}}}})
	}
	if more > 0 {
		widgets = append(widgets, map[string]any{"textParagraph": map[string]any{"text": html.EscapeString(t("notify.msg.more", more))}})
	}
	widgets = append(widgets, map[string]any{"buttonList": map[string]any{"buttons": []any{map[string]any{
		"text": t("notify.msg.open"), "onClick": map[string]any{"openLink": map[string]any{"url": d.URL}}}}}})
	return mustJSON(map[string]any{
		"text": d.title(t),
		"cardsV2": []any{map[string]any{"cardId": "mamori-digest", "card": map[string]any{
			"header":   map[string]any{"title": d.title(t), "subtitle": d.Org},
			"sections": []any{map[string]any{"widgets": widgets}},
		}}},
	})
}

// ChatworkOf is the message body for Chatwork's API, in Chatwork's
// notation: the digest in an [info] box with a [title].
func ChatworkOf(d Digest, t T) string {
	items, more := d.shown()
	var b strings.Builder
	fmt.Fprintf(&b, "[info][title]%s[/title]%s\n", chatworkEscape(d.title(t)), chatworkEscape(d.intro(t)))
	for _, it := range items {
		fmt.Fprintf(&b, "%s\n%s\n", chatworkEscape(t("notify.msg.line", it.Title, it.when(t))), it.URL)
	}
	if more > 0 {
		fmt.Fprintf(&b, "%s\n", chatworkEscape(t("notify.msg.more", more)))
	}
	fmt.Fprintf(&b, "[hr]%s %s[/info]", chatworkEscape(t("notify.msg.open")), d.URL)
	return b.String()
}

// chatworkEscape keeps text from opening Chatwork tags ([To:1], [info]).
func chatworkEscape(s string) string { return strings.NewReplacer("[", "［", "]", "］").Replace(s) }

// LineWorksOf is the JSON body for a LINE WORKS bot message (API 2.0): a
// link message, whose text lists the items and whose button opens
// mamori. LINE WORKS limits contentText to 1,000 characters.
func LineWorksOf(d Digest, t T) []byte {
	text := plain(d, t)
	if r := []rune(text); len(r) > 1000 {
		text = string(r[:999]) + "…"
	}
	return mustJSON(map[string]any{"content": map[string]any{
		"type": "link", "contentText": text, "linkText": t("notify.msg.open"), "link": d.URL}})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings always encode
	}
	return b
}
