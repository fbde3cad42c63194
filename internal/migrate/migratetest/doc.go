// Package migratetest builds complete migration settings for tests.
//
// The engine never fills in a default (spec owns them), so every test that
// makes a migrate.Config by hand starts from Config here: the file-format
// defaults of package spec, written out field by field.
package migratetest
