// Package companion finds and executes ferry's companion binaries, the
// programs installed next to ferry that run the commands whose packages
// would slow every start of ferry itself: ferry-engine (every command but
// the file commands) and ferry-controller. The pattern is git's and
// kubectl's: a command is a program of its own, found beside the front end
// or on PATH.
package companion
