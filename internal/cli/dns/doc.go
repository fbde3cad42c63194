// Package dns implements "ferry dns": serve runs ferry's authoritative DNS
// server; get, set and delete change its weighted record sets through the
// admin API.
package dns
