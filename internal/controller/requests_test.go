package controller_test

import (
	"net/http"
	"net/url"
	"testing"

	"ferry.dev/ferry/internal/controller"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		method, url    string
		verb, resource string
	}{
		{"GET", "/apis/apps/v1/namespaces/shop/deployments/api", "get", "deployments"},
		{"GET", "/apis/apps/v1/namespaces/shop/deployments?labelSelector=x", "list", "deployments"},
		{"GET", "/apis/apps/v1/deployments?watch=true", "watch", "deployments"},
		{"PATCH", "/api/v1/namespaces/shop/services/api?dryRun=All&fieldManager=ferry", "patch-dryrun", "services"},
		{"PATCH", "/apis/ferry.dev/v1alpha1/namespaces/shop/servicefiles/shop/status", "patch", "servicefiles/status"},
		{"POST", "/api/v1/namespaces/shop/secrets", "create", "secrets"},
		{"PUT", "/api/v1/namespaces/shop/configmaps/ferry.shop", "update", "configmaps"},
		{"GET", "/api/v1/namespaces/shop", "get", "namespaces"},
		{"GET", "/api/v1/namespaces", "list", "namespaces"},
		{"GET", "/apis/apps/v1", "get", "discovery"},
		{"GET", "/version", "get", "other"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.url, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			verb, resource := controller.Classify(&http.Request{Method: tt.method, URL: u})
			if verb != tt.verb || resource != tt.resource {
				t.Errorf("got %s %s, want %s %s", verb, resource, tt.verb, tt.resource)
			}
		})
	}
}
