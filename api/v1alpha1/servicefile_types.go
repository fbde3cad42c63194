package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ServiceFile is a service file (ferry.yaml) kept in the cluster: the
// controller deploys it as "ferry deploy" would, and keeps it deployed.
// The kind is not "Services" so that "kubectl get services" keeps meaning
// the core kind.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:path=servicefiles,singular=servicefile,shortName=sf;sfile,categories=ferry
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Revision",type=integer,JSONPath=`.status.revision`
// +kubebuilder:printcolumn:name="Sync",type=string,JSONPath=`.status.sync`
// +kubebuilder:printcolumn:name="Health",type=string,JSONPath=`.status.health`
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ServiceFile struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ServiceFileSpec   `json:"spec"`
	Status ServiceFileStatus `json:"status,omitempty"`
}

// ServiceFileSpec is a service file's content: the same fields as File,
// without apiVersion and kind, and how the controller keeps it deployed.
//
// +kubebuilder:validation:XValidation:rule="!has(self.defaults) || !(has(self.defaults.ingressClass) && has(self.defaults.gateway))",message="defaults.ingressClass and defaults.gateway are mutually exclusive",fieldPath=".defaults"
type ServiceFileSpec struct {
	// Defaults apply to every service unless the service overrides them.
	Defaults *Defaults `json:"defaults,omitempty"`
	// Migration configures migrations of this file's services.
	Migration *Migration `json:"migration,omitempty"`
	// Services by name; each name must be a DNS-1035 label.
	//
	// +kubebuilder:validation:MinProperties=1
	// +kubebuilder:validation:MaxProperties=100
	// +kubebuilder:validation:XValidation:rule="self.all(k, size(k) <= 63 && k.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$'))",message="service names must be DNS-1035 labels (lower case letters, digits and '-', starting with a letter)"
	Services map[string]*Service `json:"services"`
	// Notifications receive each deploy's success or failure from the
	// controller: those with urlSecretRef (the controller reads no file or
	// environment of the machine that made the object).
	//
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:XValidation:rule="self.all(n, has(n.urlSecretRef))",message="the controller reads a notification's URL from a Secret: use urlSecretRef"
	Notifications []Notification `json:"notifications,omitempty"`
	// SelfHeal applies the file again when an object it owns was edited
	// by hand (drift); without it drift is only reported (OutOfSync).
	SelfHeal bool `json:"selfHeal,omitempty"`
	// Suspend stops the controller from applying anything; the status
	// still reports sync and health.
	Suspend bool `json:"suspend,omitempty"`
}

// Sync states of a ServiceFile.
const (
	SyncSynced    = "Synced"
	SyncOutOfSync = "OutOfSync"
)

// Health states of a ServiceFile.
const (
	HealthHealthy     = "Healthy"
	HealthProgressing = "Progressing"
	HealthDegraded    = "Degraded"
)

// ServiceFileStatus is what the controller last applied and saw.
type ServiceFileStatus struct {
	// ObservedGeneration is the generation the status describes.
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Revision is the deploy revision applied last (as "ferry history").
	Revision int `json:"revision,omitempty"`
	// Sync is Synced or OutOfSync.
	Sync string `json:"sync,omitempty"`
	// Health is Healthy, Progressing or Degraded.
	Health string `json:"health,omitempty"`
	// Message says why, in one line: the failing pod and reason, the
	// drifted object and its field manager, or the file's problem.
	Message string `json:"message,omitempty"`
	// Drift lists the owned objects changed by another field manager.
	Drift []DriftedObject `json:"drift,omitempty"`
	// History are the latest revisions, newest first.
	History []RevisionSummary `json:"history,omitempty"`
	// LastDeploy is what the controller's latest apply of the file did,
	// as "ferry deploy" reports it ("ferry deploy --in-cluster" prints it).
	LastDeploy *DeployReport `json:"lastDeploy,omitempty"`
	// Conditions: Synced, Healthy, Valid.
	//
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// DriftedObject is an owned object whose fields another manager changed.
type DriftedObject struct {
	// Object is "Kind namespace/name".
	Object string `json:"object"`
	// Managers are the field managers that wrote over ferry's fields.
	Managers []string `json:"managers,omitempty"`
	// Fields are the changed fields (paths as in the object).
	Fields []string `json:"fields,omitempty"`
}

// RevisionSummary is one deploy revision.
type RevisionSummary struct {
	Revision int         `json:"revision"`
	Time     metav1.Time `json:"time"`
	// Objects is how many objects the revision owns.
	Objects int `json:"objects"`
}

// DeployReport is what one apply of a ServiceFile did.
type DeployReport struct {
	// Generation is the spec's generation that was applied.
	Generation int64 `json:"generation"`
	// Revision is the revision recorded, or the current one when the
	// file was already in place (Unchanged).
	Revision  int  `json:"revision"`
	Unchanged bool `json:"unchanged,omitempty"`
	// Objects counts every object of the file; Sent those that were not
	// already in place and so were applied.
	Objects int `json:"objects"`
	Sent    int `json:"sent"`
	// Pruned are the objects deleted because they left the file.
	Pruned []ObjectRef `json:"pruned,omitempty"`
}

// ObjectRef names one object ferry applied or pruned.
type ObjectRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// ServiceFileList is a list of ServiceFiles.
//
// +kubebuilder:object:root=true
type ServiceFileList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ServiceFile `json:"items"`
}
