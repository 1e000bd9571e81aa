// PostGraphile's settings that have no command-line flag; bench/peer.sh
// copies this file next to the installation, where the CLI reads it.
module.exports = {
  options: {
    graphileBuildOptions: {
      // W1 names its section by slug, as Toà Soạn's filter does.
      connectionFilterRelations: true,
    },
  },
};
