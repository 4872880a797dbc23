//! A cluster's standing objects: a Ready Node, the `kubernetes` Service, and
//! each namespace's default ServiceAccount and kube-root-ca.crt ConfigMap.

use crate::api::{Api, NODE_NAME};
use crate::clock;
use crate::store::{ObjectKey, Objects};
use serde_json::json;

impl Api {
    /// The one Node and the `kubernetes` Service in `default`.
    pub(crate) fn seed_cluster(&self, objects: &mut Objects) {
        let now = clock::now();
        let node = json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": NODE_NAME, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": now,
                         "labels": {"kubernetes.io/hostname": NODE_NAME, "kubernetes.io/os": "linux",
                                    "kubernetes.io/arch": "amd64", "node-role.kubernetes.io/control-plane": ""}},
            "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
            "status": {
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                "message": "kubelet is posting ready status", "lastHeartbeatTime": now, "lastTransitionTime": now}],
                "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}, {"type": "Hostname", "address": NODE_NAME}],
                "capacity": {"cpu": "2", "memory": "8Gi", "pods": "110"},
                "allocatable": {"cpu": "2", "memory": "8Gi", "pods": "110"},
                "nodeInfo": {"kubeletVersion": "v1.34.0", "containerRuntimeVersion": "containerd://2.1.0",
                             "operatingSystem": "linux", "architecture": "amd64", "osImage": "berth-testserver",
                             "kernelVersion": "", "kubeProxyVersion": "", "machineID": "", "systemUUID": "", "bootID": ""},
            },
        });
        objects.put(&self.events, ObjectKey { storage_key: "/nodes".into(), namespace: String::new(), name: NODE_NAME.into() }, node);
        let kubernetes = json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default", "uid": uuid::Uuid::new_v4().to_string(),
                         "creationTimestamp": now, "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "ipFamilies": ["IPv4"],
                     "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster", "sessionAffinity": "None",
                     "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]},
            "status": {"loadBalancer": {}},
        });
        objects.put(&self.events, ObjectKey { storage_key: "/services".into(), namespace: "default".into(), name: "kubernetes".into() }, kubernetes);
    }

    /// What every namespace holds from its first moment: the `default`
    /// ServiceAccount and the `kube-root-ca.crt` ConfigMap.
    pub(crate) fn seed_namespace(&self, objects: &mut Objects, ns: &str) {
        let now = clock::now();
        let sa_key = ObjectKey { storage_key: "/serviceaccounts".into(), namespace: ns.into(), name: "default".into() };
        if objects.get(&sa_key).is_none() {
            let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount",
                            "metadata": {"name": "default", "namespace": ns, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": now}});
            objects.put(&self.events, sa_key, sa);
        }
        let cm_key = ObjectKey { storage_key: "/configmaps".into(), namespace: ns.into(), name: "kube-root-ca.crt".into() };
        if objects.get(&cm_key).is_none() {
            let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": now,
                                         "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
                            "data": {"ca.crt": self.settings.ca_pem}});
            objects.put(&self.events, cm_key, cm);
        }
    }
}
