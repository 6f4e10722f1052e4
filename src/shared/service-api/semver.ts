/**
 * A semantic version as semver 2.0 spells it (semver.org's own pattern): no leading zeros, no
 * empty identifiers, no "v", no spaces. The update feed's version and the order of versions both
 * hold to it, as electron-updater does: a version it would refuse to download is never offered.
 */
export const semverPattern =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
