// Package dns implements "ferry dns": serve runs ferry's authoritative DNS
// server; get, list, set and delete read and change its weighted record
// sets through the admin API.
package dns
