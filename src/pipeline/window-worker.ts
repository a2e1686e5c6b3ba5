import { parentPort, workerData } from 'node:worker_threads';
import { WindowJob } from './window-job.js';
import type { BisectNotice, WindowRequest, WindowResponse, WindowWorkerInit } from './window-protocol.js';

/**
 * A scoring thread: all of a window's CPU work (decode, features, the model run, encode) happens
 * here, so the main thread only fetches, windows and commits (docs/architecture.md).
 */
const job = await WindowJob.create(workerData as WindowWorkerInit);

parentPort!.on('message', async (request: WindowRequest) => {
  let response: WindowResponse;
  try {
    response = await job.run(request, (message) => {
      const notice: BisectNotice = { id: request.id, notice: 'bisecting', message };
      parentPort!.postMessage(notice);
    });
  } catch (error) {
    response = { id: request.id, ok: false, message: (error as Error).message };
  }
  parentPort!.postMessage(response);
});

parentPort!.postMessage({ ready: true });
