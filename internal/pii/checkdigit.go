package pii

// The validators take the digits as values 0–9, most significant first.

// myNumberValid reports whether 12 digits are an individual number (個人番号)
// by its check digit: the last digit is 11 − (Σ Pn×Qn mod 11), 0 when the
// remainder is 0 or 1, with weights 6,5,4,3,2,7,6,5,4,3,2 over the first 11
// digits (総務省令 第5条).
func myNumberValid(d []byte) bool {
	if len(d) != 12 {
		return false
	}
	weights := [11]int{6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, w := range weights {
		sum += int(d[i]) * w
	}
	r := sum % 11
	check := 0
	if r > 1 {
		check = 11 - r
	}
	return int(d[11]) == check
}

// corporateNumberValid reports whether 13 digits are a corporate number
// (法人番号): the first digit is 9 − (Σ Pn×Qn mod 9), with Pn the n-th digit
// from the right of the 12 that follow and Qn 1 for odd n, 2 for even n.
func corporateNumberValid(d []byte) bool {
	if len(d) != 13 || d[0] == 0 {
		return false
	}
	sum := 0
	for n := 1; n <= 12; n++ {
		q := 1
		if n%2 == 0 {
			q = 2
		}
		sum += int(d[13-n]) * q
	}
	return int(d[0]) == 9-sum%9
}

// luhnValid is the payment-card check (ISO/IEC 7812-1).
func luhnValid(d []byte) bool {
	if len(d) < 2 {
		return false
	}
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i])
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// cardBrand reports whether the digits start with the prefix of a brand
// issued in Japan and have that brand's length: Visa 4 (13, 16, 19), Mastercard
// 51–55 and 2221–2720 (16), JCB 3528–3589 (16–19), American Express 34/37
// (15), Diners 36, 38, 300–305 (14–16).
func cardBrand(d []byte) bool {
	n := len(d)
	p2 := int(d[0])*10 + int(d[1])
	p4 := p2*100 + int(d[2])*10 + int(d[3])
	switch {
	case d[0] == 4:
		return n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720:
		return n == 16
	case p4 >= 3528 && p4 <= 3589:
		return n >= 16 && n <= 19
	case p2 == 34 || p2 == 37:
		return n == 15
	case p2 == 36 || p2 == 38 || p4/10 >= 300 && p4/10 <= 305:
		return n >= 14 && n <= 16
	}
	return false
}

// phoneShape reports whether digits beginning with 0 form a Japanese number
// in the national numbering plan, given the digit groups as written: mobile
// and IP (070/080/090/060/050/020) and 0800 have 11 digits, 0120/0570 and
// fixed lines 10, and a fixed line's area and local codes make 6 digits.
func phoneShape(d []byte, groups []int) bool {
	n := len(d)
	if n < 10 || d[0] != 0 || d[1] == 0 {
		return false
	}
	ng := len(groups)
	if ng != 1 && ng != 3 {
		return false
	}
	last := groups[ng-1]
	switch {
	case d[1] == 8 && d[2] == 0 && d[3] == 0:
		return n == 11 && (ng == 1 || groups[0] == 4 || groups[0] == 3 && last == 4) // 0800-…, or a mobile 080-0…
	case (d[1] == 7 || d[1] == 8 || d[1] == 9 || d[1] == 6 || d[1] == 5 || d[1] == 2) && d[2] == 0:
		return n == 11 && (ng == 1 || groups[0] == 3 && last == 4)
	case d[1] == 1 && d[2] == 2 && d[3] == 0, d[1] == 5 && d[2] == 7 && d[3] == 0:
		return n == 10 && (ng == 1 || groups[0] == 4)
	}
	if n != 10 {
		return false
	}
	if ng == 1 {
		return true
	}
	return groups[0] >= 2 && groups[0] <= 5 && groups[0]+groups[1] == 6 && last == 4
}

// CompleteMyNumber appends the check digit to 11 digits, making a valid
// individual number: for synthetic data (the demo company's files, tests),
// never to guess real ones. It returns "" for anything but 11 ASCII digits.
func CompleteMyNumber(first11 string) string {
	if len(first11) != 11 {
		return ""
	}
	d := make([]byte, 12)
	for i := range 11 {
		c := first11[i]
		if c < '0' || c > '9' {
			return ""
		}
		d[i] = c - '0'
	}
	for c := byte(0); c <= 9; c++ {
		d[11] = c
		if myNumberValid(d) {
			return first11 + string('0'+c)
		}
	}
	return ""
}
