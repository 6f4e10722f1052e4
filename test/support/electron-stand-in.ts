/**
 * A stand-in for the `electron` module, for unit tests of the Electron glue under plain Node
 * (the binary cannot be downloaded on the build machines). In the spirit of GitHub Desktop's
 * `app/test/__mocks__/electron.ts`: the objects our code touches, with IPC carried in memory and
 * payloads structured-cloned as Electron does.
 */
import { EventEmitter } from 'node:events';

type IpcListener = (event: unknown, ...args: unknown[]) => void;
type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

export class FakeWebFrame {
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  mainFrame: FakeWebFrame;
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  destroyed = false;

  constructor(
    private readonly stand: ElectronStandIn,
    url = 'app://rinnovo/index.html',
  ) {
    super();
    this.mainFrame = new FakeWebFrame(url);
  }

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
    for (const listener of this.stand.rendererListeners.get(channel) ?? []) listener({}, structuredClone(payload));
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Fires a navigation event the way Electron does and tells whether it was prevented. */
  navigate(eventName: string, url: string): boolean {
    let prevented = false;
    this.emit(eventName, { url, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

export class ElectronStandIn {
  readonly handlers = new Map<string, InvokeHandler>();
  readonly rendererListeners = new Map<string, Set<IpcListener>>();
  readonly windows: FakeBrowserWindow[] = [];
  readonly exposed = new Map<string, unknown>();
  readonly registeredSchemes: unknown[] = [];
  readonly protocolHandlers = new Map<string, (request: { url: string }) => Promise<Response> | Response>();
  readonly openedExternally: string[] = [];
  /** What `dialog.showErrorBox` was asked to show, title and text. */
  readonly errorBoxes: { title: string; content: string }[] = [];
  /** The code `app.exit` was called with, if it was. */
  exitCode: number | undefined;
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | undefined;
  /** The web contents the renderer side of IPC speaks from; tests may swap its frame. */
  rendererContents: FakeWebContents = new FakeWebContents(this);

  readonly ipcMain = {
    handle: (channel: string, handler: InvokeHandler) => {
      if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      this.handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => {
      this.handlers.delete(channel);
    },
  };

  readonly ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]) => {
      const handler = this.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      const contents = this.rendererContents;
      const event = { sender: contents, senderFrame: contents.mainFrame };
      return structuredClone(await handler(event, ...args.map((arg) => structuredClone(arg))));
    },
    on: (channel: string, listener: IpcListener) => {
      const set = this.rendererListeners.get(channel) ?? new Set();
      this.rendererListeners.set(channel, set);
      set.add(listener);
    },
    removeListener: (channel: string, listener: IpcListener) => {
      this.rendererListeners.get(channel)?.delete(listener);
    },
  };

  readonly contextBridge = {
    exposeInMainWorld: (key: string, api: unknown) => {
      this.exposed.set(key, api);
    },
  };

  readonly protocol = {
    registerSchemesAsPrivileged: (schemes: unknown[]) => {
      this.registeredSchemes.push(...schemes);
    },
    handle: (scheme: string, handler: (request: { url: string }) => Promise<Response> | Response) => {
      this.protocolHandlers.set(scheme, handler);
    },
  };

  /** safeStorage as on a desktop with a keyring; the "encryption" is reversible only here. */
  readonly safeStorage = {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (text: string) => Buffer.from([...Buffer.from(text, 'utf8')].map((byte) => byte ^ 0x5a)),
    decryptString: (data: Buffer) => Buffer.from([...data].map((byte) => byte ^ 0x5a)).toString('utf8'),
  };

  readonly session = {
    defaultSession: {
      resolveProxy: async (_url: string) => 'DIRECT',
      setPermissionRequestHandler: (handler: ElectronStandIn['permissionRequestHandler']) => {
        this.permissionRequestHandler = handler;
      },
      setPermissionCheckHandler: (handler: ElectronStandIn['permissionCheckHandler']) => {
        this.permissionCheckHandler = handler;
      },
    },
  };

  /** Device processes the app started: the stand-in records them and starts nothing. */
  readonly utilityForks: { modulePath: string; options: unknown }[] = [];
  readonly utilityProcess = {
    fork: (modulePath: string, _args?: string[], options?: unknown) => {
      this.utilityForks.push({ modulePath, options });
      return Object.assign(new EventEmitter(), { postMessage: () => undefined, kill: () => true });
    },
  };

  readonly shell = {
    openExternal: async (url: string) => {
      this.openedExternally.push(url);
    },
  };

  readonly app = Object.assign(new EventEmitter(), {
    /** Run from a checkout (`electron .`) unless a test says it was installed. */
    isPackaged: false,
    whenReady: async () => undefined,
    getPath: (_name: string) => this.userDataDir,
    getVersion: () => '1.0.0',
    requestSingleInstanceLock: () => true,
    quit: () => undefined,
    exit: (code = 0) => {
      this.exitCode = code;
    },
  });

  readonly dialog = {
    showErrorBox: (title: string, content: string) => {
      this.errorBoxes.push({ title, content });
    },
  };

  readonly BrowserWindow: { new (options: Record<string, unknown>): FakeBrowserWindow; getAllWindows(): FakeBrowserWindow[] };

  constructor(public userDataDir: string) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const stand = this;
    this.BrowserWindow = class extends FakeBrowserWindow {
      constructor(options: Record<string, unknown>) {
        super(stand, options);
        stand.windows.push(this);
        stand.rendererContents = this.webContents;
      }
      static getAllWindows(): FakeBrowserWindow[] {
        return stand.windows;
      }
    };
  }

  /** The module object handed to `vi.mock('electron', …)`. */
  module(): Record<string, unknown> {
    return {
      app: this.app,
      dialog: this.dialog,
      BrowserWindow: this.BrowserWindow,
      ipcMain: this.ipcMain,
      ipcRenderer: this.ipcRenderer,
      contextBridge: this.contextBridge,
      protocol: this.protocol,
      session: this.session,
      shell: this.shell,
      utilityProcess: this.utilityProcess,
      safeStorage: this.safeStorage,
    };
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents: FakeWebContents;
  loadedUrl: string | undefined;
  shown = false;

  constructor(
    stand: ElectronStandIn,
    readonly options: Record<string, unknown>,
  ) {
    super();
    this.webContents = new FakeWebContents(stand, 'about:blank');
  }

  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
  }

  show(): void {
    this.shown = true;
  }

  isDestroyed(): boolean {
    return false;
  }

  isMinimized(): boolean {
    return false;
  }

  restore(): void {}

  focus(): void {}
}

/**
 * The module for `vi.mock('electron', …)` that forwards to whichever stand-in the test made
 * last: vitest caches a mock factory's result across `vi.resetModules()`, so the indirection is
 * what gives every test a fresh Electron.
 */
export function forwardingElectronModule(current: () => ElectronStandIn): Record<string, unknown> {
  const names = ['app', 'dialog', 'BrowserWindow', 'ipcMain', 'ipcRenderer', 'contextBridge', 'protocol', 'session', 'shell', 'utilityProcess', 'safeStorage'];
  const module: Record<string, unknown> = {};
  for (const name of names) Object.defineProperty(module, name, { enumerable: true, get: () => current().module()[name] });
  return module;
}
