import type Database from 'better-sqlite3';
import type { Transcript } from '../ai/types';

/**
 * What the model said in each phase of a deployment, read back from its recorded transcripts
 * (ai_transcripts, secrets already redacted when they were saved): the assistant's text, in the
 * order the phases ran. The live stream is not stored; this is what a reopened panel shows instead.
 */
export function recordedModelOutput(db: Database.Database, deploymentId: string): { phase: string; text: string }[] {
  const rows = db.prepare('SELECT phase, transcript FROM ai_transcripts WHERE deployment_id = ? ORDER BY id').all(deploymentId) as { phase: string; transcript: string }[];
  const out: { phase: string; text: string }[] = [];
  for (const row of rows) {
    let transcript: Transcript;
    try {
      transcript = JSON.parse(row.transcript) as Transcript;
    } catch {
      continue;
    }
    const text = transcript.entries
      .map((e) => (e.message.role === 'assistant' ? e.message.content.trim() : ''))
      .filter(Boolean)
      .join('\n\n');
    if (text) out.push({ phase: row.phase, text });
  }
  return out;
}
