#pragma once

#include <QString>
#include <QStringView>

// Finds a container id in a cgroup path, for every runtime layout the path
// reveals:
//   systemd driver:  /system.slice/docker-<64 hex>.scope
//   cgroupfs driver: /docker/<64 hex>   (also nested, e.g. /docker/<id>/init)
//   podman:          /machine.slice/libpod-<64 hex>.scope
//   containerd/CRI:  .../cri-containerd-<64 hex>.scope, crio-<64 hex>.scope
// Returns the id (lower-case hex) or an empty string. The last match in the
// path wins, so a container nested in another reports its own id.
QString containerIdFromCgroupPath(QStringView path);
