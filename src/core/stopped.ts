/** Thrown by an analysis `checkpoint` to stop a file's analysis (a time limit): the file is listed as not analysed with the message. */
export class AnalysisStopped extends Error {}
