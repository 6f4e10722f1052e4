import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext } from './api-context.js';
import { App } from './App.js';
import { connectToMain } from './transport/connect.js';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  void connectToMain().then((api) =>
    createRoot(root).render(
      <StrictMode>
        <ApiContext.Provider value={api}>
          <App />
        </ApiContext.Provider>
      </StrictMode>,
    ),
  );
}
