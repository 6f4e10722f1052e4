/**
 * The renderer's state: a mirror of what main reports, plus the person's language.
 *
 * No business rule lives here: the flow state comes from main (`flow.getState`, then the
 * `flow.state` event), and commands are sent back as they are. Secrets never enter the store:
 * the PIN and passwords stay in the form that collects them and are cleared on submit.
 */
import { create, type StoreApi } from 'zustand';
import type { RinnovoApi } from '../../shared/contract/api.js';
import type { AppStatus } from '../../shared/contract/app-contract.js';
import type { Result, WireError } from '../../shared/contract/define.js';
import type { FlowState } from '../../shared/contract/flow-contract.js';
import type { UpdateState } from '../../shared/contract/network-contract.js';
import type { Locale } from '../../shared/errors/catalogue-entry.js';
import type { HolderIdentityChoice } from '../../shared/support-bundle/bundle-facts.js';

type ConnectionState =
  | { readonly phase: 'connecting' }
  | { readonly phase: 'ready'; readonly status: AppStatus }
  | { readonly phase: 'unavailable'; readonly error: WireError | undefined };

/** A command sent to main and not answered yet, or the last one's refusal. */
type CommandState = { readonly phase: 'idle' } | { readonly phase: 'running' } | { readonly phase: 'refused'; readonly error: WireError };

/** What fills the window: the renewal, or the proxy settings or the support bundle's contents opened over it. */
type Panel = 'flow' | 'proxy' | 'support-bundle';

/** The tool's own update as main reports it, and the last refusal of an update command. */
interface UpdateView {
  readonly state: UpdateState | null;
  readonly error: WireError | null;
  /**
   * The last "Scarica l'aggiornamento" found nothing newer: main answers the download with `idle`,
   * the same state as before any press, so the page remembers that it asked.
   */
  readonly upToDate: boolean;
}

export interface AppStore {
  readonly connection: ConnectionState;
  readonly locale: Locale;
  readonly flow: FlowState | null;
  readonly command: CommandState;
  readonly supportBundlePath: string | null;
  /** Where the last "Salva ricevuta" wrote the PDF. */
  readonly receiptPath: string | null;
  readonly panel: Panel;
  readonly update: UpdateView;
  /** Listens to main's events and reads where things stand (`reload`); once per window. */
  start(api: RinnovoApi): Promise<void>;
  /** Reads the tool's status and the flow's state again: "Riprova" where the window could not get them. */
  reload(api: RinnovoApi): Promise<void>;
  chooseLocale(api: RinnovoApi, locale: Locale): Promise<void>;
  /** Sends one flow command; the answer (or the events before it) updates `flow`. */
  send(command: () => Promise<Result<FlowState>>): Promise<void>;
  /**
   * `send`, unless a command is still running: for a form whose second press would act on the
   * card or the money again (a PIN-pad reader's "Sblocca" has no field a first press empties).
   */
  sendOnce(command: () => Promise<Result<FlowState>>): Promise<void>;
  /** Saves the bundle the holder has just read (`holder`: fiscal code pseudonymised, or in clear if they agreed). */
  saveSupportBundle(api: RinnovoApi, holder: HolderIdentityChoice): Promise<void>;
  saveReceipt(api: RinnovoApi): Promise<void>;
  showPanel(panel: Panel): void;
  /** Downloads the newer version (in the app); progress and the outcome arrive as `updates.state`. */
  downloadUpdate(api: RinnovoApi): Promise<void>;
  installUpdate(api: RinnovoApi): Promise<void>;
}

/**
 * The flow's new state, and what it leaves behind: a receipt saved on one screen (the paid one, or
 * a renewal before "Rinnova un altro") is not announced on the next, whose receipt says otherwise.
 */
function flowUpdate(current: Pick<AppStore, 'flow' | 'receiptPath'>, flow: FlowState): Pick<AppStore, 'flow' | 'receiptPath'> {
  return { flow, receiptPath: current.flow?.step === flow.step ? current.receiptPath : null };
}

export const useAppStore = create<AppStore>((set, get) => {
  /**
   * How many `flow.state` events the page has taken. Main reports every change of the flow as an
   * event before it answers the command that made it, over the same channel; so once an event has
   * arrived after a command was sent, the events are at least as new as that command's answer,
   * which is then stale: a bank's answer found by main's own poll (paid) must not be put back to
   * the "pending" a "Verifica" pressed a moment earlier was answered with.
   */
  let flowEventsTaken = 0;

  return {
    connection: { phase: 'connecting' },
    locale: 'it',
    flow: null,
    command: { phase: 'idle' },
    supportBundlePath: null,
    receiptPath: null,
    panel: 'flow',
    update: { state: null, error: null, upToDate: false },

    async start(api) {
      api.app.onLocaleChanged(({ locale }) => set({ locale }));
      api.flow.onState((flow) => {
        flowEventsTaken += 1;
        set((current) => flowUpdate(current, flow));
      });
      // The `idle` main reports on its way to answering a download that found nothing newer keeps the
      // page's note that it asked; any other state is news of its own.
      api.updates.onState((state) => set((store) => ({ update: { state, error: null, upToDate: state.status === 'idle' && store.update.upToDate } })));
      await get().reload(api);
    },

    async reload(api) {
      set({ connection: { phase: 'connecting' } });
      try {
        const result = await api.app.getStatus({});
        if (!result.ok) {
          set({ connection: { phase: 'unavailable', error: result.error } });
          return;
        }
        set({ connection: { phase: 'ready', status: result.value }, locale: result.value.locale });
        // Whether this host can install an update decides if "Scarica l'aggiornamento" is offered.
        const update = await api.updates.getState({});
        if (update.ok) set((store) => ({ update: { state: update.value, error: null, upToDate: update.value.status === 'idle' && store.update.upToDate } }));
        const eventsBefore = flowEventsTaken;
        const flow = await api.flow.getState({});
        // Without the flow's state there is no screen to show: say so, with what to do, rather than a blank window.
        if (!flow.ok) {
          set({ connection: { phase: 'unavailable', error: flow.error } });
          return;
        }
        if (flowEventsTaken === eventsBefore) set((current) => flowUpdate(current, flow.value));
        // A fresh start runs the checks at once, as the original tool did; a reload shows where we are.
        if (get().flow?.step === 'welcome') await get().send(() => api.flow.start({}));
      } catch {
        set({ connection: { phase: 'unavailable', error: undefined } });
      }
    },

    async chooseLocale(api, locale) {
      set({ locale });
      await api.app.setLocale({ locale });
    },

    async send(command) {
      const sentAt = get().flow?.step;
      const eventsBefore = flowEventsTaken;
      set({ command: { phase: 'running' } });
      try {
        const result = await command();
        if (result.ok && flowEventsTaken !== eventsBefore) set({ command: { phase: 'idle' } });
        else if (result.ok) set((current) => ({ ...flowUpdate(current, result.value), command: { phase: 'idle' } }));
        // A second press (a double click, "Verifica" as the poll settles) refused because the first
        // already moved the flow on: the screen it moved to is the answer, not an error over it.
        else if (result.error.code === 'RENEWAL_WRONG_STEP' && get().flow?.step !== sentAt) set({ command: { phase: 'idle' } });
        else set({ command: { phase: 'refused', error: result.error } });
      } catch {
        set({ command: { phase: 'refused', error: { code: 'INTERNAL_ERROR', detail: {} } } });
      }
    },

    async sendOnce(command) {
      if (get().command.phase === 'running') return;
      await get().send(command);
    },

    async saveSupportBundle(api, holder) {
      const result = await api.flow.saveSupportBundle({ holder });
      if (result.ok) set({ supportBundlePath: result.value.path, panel: 'flow' });
      else set({ command: { phase: 'refused', error: result.error } });
    },

    async saveReceipt(api) {
      try {
        const result = await api.flow.saveReceipt({});
        if (result.ok) set({ receiptPath: result.value.path });
        else set({ command: { phase: 'refused', error: result.error } });
      } catch {
        set({ command: { phase: 'refused', error: { code: 'INTERNAL_ERROR', detail: {} } } });
      }
    },

    showPanel(panel) {
      set({ panel });
    },

    async downloadUpdate(api) {
      await updateCommand(set, () => api.updates.download({}), true);
    },

    async installUpdate(api) {
      await updateCommand(set, () => api.updates.install({}), false);
    },
  };
});

/**
 * Runs one `updates.*` command; its answer (or refusal) replaces what the page knows of the update.
 * A download answered `idle` looked at the feed and found nothing newer than this version.
 */
async function updateCommand(set: StoreApi<AppStore>['setState'], command: () => Promise<Result<UpdateState>>, isDownload: boolean): Promise<void> {
  const refuse = (error: WireError) => set((store) => ({ update: { state: store.update.state, error, upToDate: false } }));
  try {
    const result = await command();
    if (result.ok) set({ update: { state: result.value, error: null, upToDate: isDownload && result.value.status === 'idle' } });
    else refuse(result.error);
  } catch {
    refuse({ code: 'INTERNAL_ERROR', detail: {} });
  }
}
