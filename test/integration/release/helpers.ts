import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export function getJson(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body) as Record<string, unknown>);
          } catch (error) {
            reject(error as Error);
          }
        });
      })
      .on('error', reject);
  });
}

/** Ends the supervised application of a test's target (its process group), if one runs. */
export function stopTargetApp(root: string): void {
  const pidFile = path.join(root, 'run', 'app.pid');
  if (!existsSync(pidFile)) return;
  try {
    process.kill(-Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
  } catch {
    // gone already
  }
}
