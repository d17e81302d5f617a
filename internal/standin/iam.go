package standin

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// TokenLifetime is the lifetime of the access tokens that the IAM token
// endpoint issues, the same hour that IBM Cloud IAM gives.
const TokenLifetime = time.Hour

// Claims of the tokens made by NewJWT. The SDK's core_config.IAMTokenInfo
// reads them; it treats a token without an "id" claim as expired.
const (
	TokenAccountID = "0123456789abcdef0123456789abcdef"
	TokenIAMID     = "IBMid-0000000000"
	TokenSubject   = "standin@example.com"
)

// NewJWT returns a JWT-shaped token (base64url header.payload.signature)
// that expires at exp. The signature is random bytes, so the token proves
// nothing outside the stand-in.
func NewJWT(exp time.Time) string {
	header := map[string]string{"alg": "RS256", "typ": "JWT", "kid": "standin"}
	issuedAt := exp.Add(-TokenLifetime)
	if now := time.Now(); issuedAt.After(now) {
		issuedAt = now
	}

	payload := map[string]any{
		"id":         TokenIAMID,
		"iam_id":     TokenIAMID,
		"realmid":    "IBMid",
		"jti":        NewUUID(),
		"identifier": "0000000000",
		"name":       "Stand-in User",
		"email":      TokenSubject,
		"sub":        TokenSubject,
		"account": map[string]any{
			"valid": true,
			"bss":   TokenAccountID,
		},
		"iat":        issuedAt.Unix(),
		"exp":        exp.Unix(),
		"iss":        "https://iam.cloud.ibm.com/identity",
		"grant_type": "urn:ibm:params:oauth:grant-type:apikey",
		"scope":      "ibm openid",
		"client_id":  "bx",
		"acr":        1,
		"amr":        []string{"pwd"},
	}

	signature := make([]byte, 32)
	if _, err := rand.Read(signature); err != nil {
		panic(fmt.Sprintf("standin: read random bytes: %v", err))
	}
	return encodeSegment(header) + "." + encodeSegment(payload) + "." +
		base64.RawURLEncoding.EncodeToString(signature)
}

func encodeSegment(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("standin: encode token segment: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(data)
}

// NewRefreshToken returns an opaque random string shaped like nothing in
// particular, as IAM refresh tokens are opaque to clients.
func NewRefreshToken() string {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("standin: read random bytes: %v", err))
	}
	return hex.EncodeToString(b)
}

// AddRefreshToken makes the IAM token endpoint accept the refresh token.
func (s *Server) AddRefreshToken(refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshTokens[refresh] = true
}

// RevokeRefreshToken makes the IAM token endpoint reject the refresh token
// from now on, as IAM does after a logout or when the session expired.
func (s *Server) RevokeRefreshToken(refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.refreshTokens, refresh)
}

type iamTokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Expiration   int64  `json:"expiration"`
	Scope        string `json:"scope"`
}

type iamError struct {
	ErrorCode    string `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

// serveIAMToken handles POST /identity/token with grant_type=refresh_token,
// the request that the SDK's RefreshIAMToken sends
// (bluemix/authentication/iam in ibm-cloud-cli-sdk v1.12.1). The new access
// and refresh tokens are accepted at once; the old refresh token stays
// accepted too.
func (s *Server) serveIAMToken(w http.ResponseWriter, r *http.Request, rec *Request) int {
	if r.Method != http.MethodPost {
		return writeJSON(w, http.StatusMethodNotAllowed, iamError{ErrorMessage: "Method " + r.Method + " is not allowed"})
	}
	if err := r.ParseForm(); err != nil {
		return writeJSON(w, http.StatusBadRequest, iamError{ErrorMessage: "Invalid form body: " + err.Error()})
	}
	s.mu.Lock()
	rec.Form = r.PostForm
	s.mu.Unlock()

	// NOTE: codes other than BXNIM0407E, which the SDK maps to an invalid
	// token error, are left empty because their real values were not checked.
	if grant := r.PostForm.Get("grant_type"); grant != "refresh_token" {
		return writeJSON(w, http.StatusBadRequest, iamError{ErrorMessage: "Unsupported grant_type " + grant + ": the stand-in accepts refresh_token only"})
	}

	s.mu.Lock()
	known := s.refreshTokens[r.PostForm.Get("refresh_token")]
	s.mu.Unlock()
	if !known {
		return writeJSON(w, http.StatusBadRequest, iamError{ErrorCode: "BXNIM0407E", ErrorMessage: "Provided refresh token is invalid"})
	}

	expiry := time.Now().Add(TokenLifetime)
	response := iamTokenResponse{
		AccessToken:  NewJWT(expiry),
		RefreshToken: NewRefreshToken(),
		TokenType:    "Bearer",
		ExpiresIn:    int64(TokenLifetime / time.Second),
		Expiration:   expiry.Unix(),
		Scope:        "ibm openid",
	}
	s.AcceptToken(response.AccessToken)
	s.AddRefreshToken(response.RefreshToken)
	return writeJSON(w, http.StatusOK, response)
}
