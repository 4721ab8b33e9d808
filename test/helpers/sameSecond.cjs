// Puts every timestamp of this process at one instant (SEQLAB_TEST_NOW, an ISO time), so that processes started
// together derive the same run id, as two started within the same second do. For `node --require`.
if (process.env.SEQLAB_TEST_NOW) {
  const now = process.env.SEQLAB_TEST_NOW;
  Date.prototype.toISOString = function () { return now; };
}
