// Package auth holds the pieces of staff sign-in that do not touch the
// database: password hashing (bcrypt), HS256 access tokens with key rotation,
// opaque refresh tokens, CSRF tokens, and a throttle that slows repeated
// failed sign-ins. It has no package-level mutable state; everything that
// depends on time takes `now` or a clock.
package auth
