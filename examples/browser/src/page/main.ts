/**
 * The page: connects to the server that served it, over the browser's WebSocket, and
 * redraws a truck each time one arrives. What arrives is a real `FleetTruck` holding a
 * real `FordTruck`: the page calls their methods.
 */
// The cars example is compiled by tsc with `emitDecoratorMetadata`: its legacy decorators
// read `design:type` through reflect-metadata, which a browser bundle of OON leaves out.
import 'reflect-metadata';
import { OonClient } from '@oon/client';
import { FordTruck, formatMark } from '@oon/example-cars';
import { FleetTruck } from '../fleet';

const SVG = 'http://www.w3.org/2000/svg';

const status = document.getElementById('status') as HTMLElement;
const map = document.getElementById('map') as unknown as SVGSVGElement;
const rows = document.getElementById('fleet') as HTMLTableSectionElement;

/** The row and the map marker of each truck, by id. */
const shown = new Map<string, { row: HTMLTableRowElement; marker: SVGGElement }>();

function showStatus(text: string, connected: boolean): void {
  status.textContent = text;
  status.classList.toggle('connected', connected);
}

function cells(row: HTMLTableRowElement, values: string[]): void {
  while (row.cells.length < values.length) row.insertCell();
  values.forEach((value, i) => {
    (row.cells[i] as HTMLTableCellElement).textContent = value;
  });
}

function draw(fleetTruck: FleetTruck): void {
  let view = shown.get(fleetTruck.id);
  if (view === undefined) {
    const row = rows.insertRow();
    row.dataset.truck = fleetTruck.id;
    const marker = document.createElementNS(SVG, 'g');
    marker.innerHTML = `<circle r="1.8" fill="#0969da"></circle><line x2="3" stroke="#0969da" stroke-width="0.6"></line><text x="2.4" y="-1.6"></text>`;
    (marker.querySelector('text') as SVGTextElement).textContent = fleetTruck.id;
    map.appendChild(marker);
    view = { row, marker };
    shown.set(fleetTruck.id, view);
  }
  const truck = fleetTruck.truck;
  view.marker.setAttribute('transform', `translate(${fleetTruck.x} ${fleetTruck.y})`);
  (view.marker.querySelector('line') as SVGLineElement).setAttribute('transform', `rotate(${-fleetTruck.heading})`);
  cells(view.row, [
    fleetTruck.id,
    // Revived, not parsed: the instance's own class and method answer.
    truck instanceof FordTruck ? `FordTruck (${formatMark(truck.mark)})` : 'not a FordTruck!',
    fleetTruck.position(),
    `${Math.round(fleetTruck.heading)}°`,
    `${truck?.speed ?? '?'} km/h`,
    String(truck?.trailer?.carCount ?? 0),
    String(fleetTruck.step),
    fleetTruck.at.toLocaleTimeString(),
  ]);
}

const client = new OonClient({ url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/oon` });
client.onMessage(FleetTruck, draw);
client.on('connect', () => showStatus(`connected to ${location.host}`, true));
client.on('reconnecting', (attempt) => showStatus(`server away: reconnecting (attempt ${attempt})…`, false));
client.on('error', (err) => showStatus(`${err.code}: ${err.message}`, false));
client.connect().catch((err: unknown) => showStatus(`cannot connect: ${err instanceof Error ? err.message : String(err)}`, false));
