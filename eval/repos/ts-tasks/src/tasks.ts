/** One task. `due` is a calendar date, YYYY-MM-DD. */
export interface Task {
  id: number;
  title: string;
  done: boolean;
  due?: string;
}

export class TaskList {
  private readonly tasks: Task[] = [];

  /** Adds a task; ids start at 1 and grow by one. */
  add(title: string, due?: string): Task {
    const trimmed = title.trim();
    if (!trimmed) throw new Error('a task needs a title');
    if (due !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(due)) throw new Error(`due must be YYYY-MM-DD, not ${due}`);
    const id = this.tasks.reduce((max, t) => Math.max(max, t.id), 0) + 1;
    const task: Task = { id, title: trimmed, done: false, ...(due ? { due } : {}) };
    this.tasks.push(task);
    return task;
  }

  complete(id: number): Task {
    const task = this.get(id);
    task.done = true;
    return task;
  }

  get(id: number): Task {
    const task = this.tasks.find((t) => t.id === id);
    if (!task) throw new Error(`no task ${id}`);
    return task;
  }

  /** Every task, in the order added. */
  all(): Task[] {
    return [...this.tasks];
  }

  /** Tasks not done yet, in the order added. */
  pending(): Task[] {
    return this.tasks.filter((t) => !t.done);
  }

  /** Pending tasks whose due date is before `today` (YYYY-MM-DD), earliest first. */
  overdue(today: string): Task[] {
    return this.pending()
      .filter((t) => t.due !== undefined && t.due < today)
      .sort((a, b) => (a.due! < b.due! ? -1 : a.due! > b.due! ? 1 : a.id - b.id));
  }
}
