import type { Task } from './tasks.ts';

/** "[x] 3 Buy milk (due 2025-06-01)", and " !" after a high-priority task. */
export function formatTask(task: Task): string {
  return `[${task.done ? 'x' : ' '}] ${task.id} ${task.title}${task.due ? ` (due ${task.due})` : ''}${task.priority === 'high' ? ' !' : ''}`;
}
