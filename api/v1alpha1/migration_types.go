package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// MigrationResource is the custom resource of kind Migration: one
// service's domain migration, run by the controller with the same engine
// as "ferry migrate start". (The Go name Migration is the file's
// migration block.)
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:path=migrations,singular=migration,shortName=mig,categories=ferry
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Domain",type=string,JSONPath=`.spec.domain`
// +kubebuilder:printcolumn:name="Stage",type=string,JSONPath=`.status.stage`
// +kubebuilder:printcolumn:name="Legacy",type=integer,JSONPath=`.status.weights.legacy`
// +kubebuilder:printcolumn:name="Cluster",type=integer,JSONPath=`.status.weights.cluster`
// +kubebuilder:printcolumn:name="Gates",type=string,JSONPath=`.status.gates`
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MigrationResource struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   MigrationSpec   `json:"spec"`
	Status MigrationStatus `json:"status,omitempty"`
}

// MigrationSpec is one service's migration: the service's migration
// fields of a service file, the file's migration block, and the
// operator's commands.
//
// +kubebuilder:validation:XValidation:rule="self.legacy.address != self.cluster.address || (has(self.legacy.port) ? self.legacy.port : 0) != (has(self.cluster.port) ? self.cluster.port : 0)",message="legacy and cluster must be different places",fieldPath=".cluster"
// +kubebuilder:validation:XValidation:rule="!has(self.previewDomain) || self.previewDomain != self.domain",message="the preview domain must differ from the domain",fieldPath=".previewDomain"
type MigrationSpec struct {
	// Service names the migrated service (a DNS-1035 label).
	//
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z]([-a-z0-9]*[a-z0-9])?$`
	Service string `json:"service"`
	// Domain is the name whose traffic moves; it cannot change.
	//
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="the domain of a migration cannot change; create another Migration"
	Domain string `json:"domain"`
	// PreviewDomain points at the cluster only, before traffic moves.
	//
	// +kubebuilder:validation:MaxLength=253
	PreviewDomain string `json:"previewDomain,omitempty"`
	// Health is the service's readiness path, probed by the gates.
	Health string `json:"health,omitempty"`
	// DNSTTL is the domain's TTL when the settings give none ("60s").
	DNSTTL string `json:"dnsTTL,omitempty"`
	// Legacy is where the service runs today; Cluster is the cluster's
	// ingress load balancer.
	Legacy  Endpoint `json:"legacy"`
	Cluster Endpoint `json:"cluster"`
	// Settings are the service file's migration block.
	Settings *Migration `json:"settings,omitempty"`
	// Notifications receive the migration's events from the controller:
	// those with urlSecretRef (the controller reads no file or
	// environment of the machine that made the object).
	//
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:XValidation:rule="self.all(n, has(n.urlSecretRef))",message="the controller reads a notification's URL from a Secret: use urlSecretRef"
	Notifications []Notification `json:"notifications,omitempty"`
	// Commands are the operator's commands, oldest first. Each is applied
	// once: status.acknowledged lists those done with.
	//
	// +kubebuilder:validation:MaxItems=64
	// +listType=map
	// +listMapKey=name
	Commands []MigrationCommand `json:"commands,omitempty"`
}

// MigrationCommand is one operator command to the migration.
type MigrationCommand struct {
	// Name is unique among the object's commands ("promote-1").
	//
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`
	// Kind is promote, pause, resume, rollback or abort.
	//
	// +kubebuilder:validation:Enum=promote;pause;resume;rollback;abort
	Kind string `json:"kind"`
	// Migration is status.migrationID when it was sent; empty means the
	// migration running when the controller reads it.
	Migration string `json:"migration,omitempty"`
}

// MigrationWeights are the shares of each side, in percent.
type MigrationWeights struct {
	Legacy  int `json:"legacy"`
	Cluster int `json:"cluster"`
}

// MigrationStatus is the migration's state, saved by the controller with
// optimistic concurrency before every action it takes.
type MigrationStatus struct {
	// ObservedGeneration is the generation the controller last read.
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// MigrationID names the running migration (its start time).
	MigrationID string `json:"migrationID,omitempty"`
	// Stage, Weights, Step and Gates summarise State for kubectl.
	Stage   string            `json:"stage,omitempty"`
	Weights *MigrationWeights `json:"weights,omitempty"`
	Step    int               `json:"step,omitempty"`
	Gates   string            `json:"gates,omitempty"`
	Paused  bool              `json:"paused,omitempty"`
	// Message is the alert, the reason of a rollback, or the problem.
	Message string `json:"message,omitempty"`
	// Holder is the controller replica running the migration.
	Holder string `json:"holder,omitempty"`
	// Acknowledged are the names of commands applied or dropped.
	//
	// +listType=set
	Acknowledged []string `json:"acknowledged,omitempty"`
	// State is the engine's whole state, as "ferry migrate status -o
	// json" shows it; the controller resumes from it.
	//
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	State *runtime.RawExtension `json:"state,omitempty"`
	// Conditions: Valid, Running.
	//
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// MigrationResourceList is a list of Migrations.
//
// +kubebuilder:object:root=true
type MigrationResourceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MigrationResource `json:"items"`
}
