import type { PageElements } from './page-elements';
import { STUDY_IOU_TARGETS, type StudyLog } from './study-log';

/** Shows the study panel: live summary and the log table (newest first); hides it when no study runs. */
export function renderStudy(page: PageElements, study: StudyLog | undefined): void {
  page.studyPanel.hidden = study === undefined;
  page.body.dataset.study = study === undefined ? 'off' : 'on';
  if (study === undefined) {
    page.studyRows.replaceChildren();
    return;
  }
  const entries = study.entries;
  const last = entries.at(-1);
  const iouText = (iou: number | null | undefined) => (iou === null || iou === undefined ? '-' : iou.toFixed(3));
  const reached = STUDY_IOU_TARGETS.map((target) => {
    const entry = study.firstReaching(target);
    const when = entry === undefined ? '-' : `${entry.clicksMade} clicks, ${(entry.maskReadyAtMs / 1000).toFixed(1)} s`;
    return `${Math.round(target * 100)}%: ${when}`;
  });
  page.studySummary.textContent =
    `Ground truth: ${study.groundTruthName}\n` +
    `IoU now: ${iouText(last?.iou)} | clicks made: ${study.clicksMade}\n` +
    `Reached ${reached.join(' | ')}`;
  page.studyRows.replaceChildren(
    ...[...entries].reverse().map((entry) => {
      const row = document.createElement('tr');
      const operation =
        entry.operation === 'click' && entry.click !== undefined
          ? `${entry.click.isPositive ? '+' : '\u2212'} (${entry.click.xPx}, ${entry.click.yPx})`
          : entry.operation;
      for (const text of [
        String(entry.index),
        operation,
        (entry.maskReadyAtMs / 1000).toFixed(1),
        String(Math.round(entry.latencyMs)),
        iouText(entry.iou),
      ]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }),
  );
}
