#pragma once

#include <QString>
#include <QStringView>

// Finds a container id in a cgroup path, for every runtime layout the path
// reveals:
//   systemd driver:  /system.slice/docker-<64 hex>.scope
//   cgroupfs driver: /docker/<64 hex>   (also nested, e.g. /docker/<id>/init)
//   podman:          /machine.slice/libpod-<64 hex>.scope
//   containerd/CRI:  .../cri-containerd-<64 hex>.scope, crio-<64 hex>.scope
//   nerdctl:         /default/<64 hex>, /system.slice/nerdctl-<64 hex>.scope
//   kubelet cgroupfs: /kubepods/<qos>/pod<uid>/<64 hex>
//   --cgroup-parent: /<parent>/<64 hex> (cgroupfs), /<parent>.slice/docker-<64 hex>.scope
// A bare 64-hex component counts under any parent (that is how the cgroupfs
// layouts and --cgroup-parent look); a prefixed one only with a known prefix.
// Returns the id (lower-case hex) or an empty string. The last match in the
// path wins, so a container nested in another reports its own id.
QString containerIdFromCgroupPath(QStringView path);
