import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/styles.css';
import { App } from './app/App';
import { ErrorBoundary } from './app/ErrorBoundary';
import { loadFromAddress } from './app/address';
import { applyTheme, initialTheme } from './app/theme';

applyTheme(initialTheme());
// the link is the experiment: read it (untrusted) before the first render
loadFromAddress();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
